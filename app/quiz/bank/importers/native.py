"""The project's own YAML format: the bank files kept in ``question_bank/``.

Made to be written by hand and reviewed in a git diff; ``question_bank/README.md`` is the
user-facing description. The file is a mapping with ``bank`` (name), ``category`` (default
category path for the file) and ``questions``, a list of mappings with the keys in
``QUESTION_KEYS``. A bare list of questions is accepted too.

Conventions:

* The YAML is composed (safe loader, libyaml's when present), never constructed: every
  scalar is read as the text written in the file, so ``answer: yes``, ``options: [on, off]``
  or ``stem: 1.10`` mean what they say instead of YAML 1.1's booleans and floats;
  ``null``, ``~`` or nothing means "not given".
* Anchors and aliases (``&x`` / ``*x``) are refused: a bank needs none, and refusing them
  rules out alias bombs. (The line named is the anchor's.)
* Every problem names a line, "第 N 行": the line of the offending key or value, else the
  line where the question item starts. Unknown keys are errors (``anwser`` is a typo, not an
  extension) and suggest the key that was probably meant.
* ``answer`` per type: choice — letters ``"ACD"`` or a list ``[A, C, D]``; judge — true/false,
  正确/错误 and the other words ``base`` knows; blank — a list with one entry per blank, each a
  list of accepted answers (or a string, split at ``/``), or the string convention
  ``"a/b|c"``; essay — the reference answer text (may be omitted).
"""

from __future__ import annotations

import difflib

import yaml
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .base import (
    ALTERNATIVE_SEPARATORS,
    CHOICE_TYPES,
    ImportIssue,
    ImportRejected,
    ParsedQuestion,
    ParseResult,
    clean_text,
    decode_text,
    field_label,
    parse_blank_answer,
    parse_category,
    parse_choice_answer,
    parse_difficulty,
    parse_judge_answer,
    parse_points,
    parse_tags,
    parse_type,
    problems,
)

# key → its field in messages (``base.field_label``)
QUESTION_KEYS: dict[str, str] = {
    "type": "type",
    "stem": "stem",
    "options": "options",
    "answer": "answer",
    "explanation": "explanation",
    "difficulty": "difficulty",
    "points": "points",
    "category": "category",
    "source": "source",
    "lesson": "source_lesson",
    "tags": "tags",
    "title": "title",
}
KEY_ALIASES = {"source_lesson": "lesson"}
FILE_KEYS = ("bank", "category", "questions")
NULL_TAG = "tag:yaml.org,2002:null"

# PyYAML's wording for the mistakes people make when editing by hand
_YAML_PROBLEMS = {
    "mapping values are not allowed here": _l(
        "此处不能出现“键: 值”；文本中含有“: ”时请给整段加引号，或改用 |"
    ),
    "mapping values are not allowed in this context": _l(
        "此处不能出现“键: 值”；文本中含有“: ”时请给整段加引号，或改用 |"
    ),
    "found character '\\t' that cannot start any token": _l("不能用 Tab 缩进，请改用空格"),
    "found character that cannot start any token": _l(
        "有不能出现在这里的字符（常见原因：用了 Tab 缩进，或以 @、` 开头的文字没加引号）"
    ),
    "could not find expected ':'": _l("缺少冒号“:”，或缩进不一致"),
    "expected <block end>, but found '-'": _l("列表项“- ”的缩进与上文不一致"),
    "expected <block end>, but found '<block mapping start>'": _l("缩进不一致"),
    "found unexpected end of stream": _l("引号或括号没有闭合"),
    "but found another document": _l("文件中只能有一个 YAML 文档（不要使用 ---）"),
}


def where(node: Node) -> str:
    return _("第 %(line)d 行", line=node.start_mark.line + 1)


# libyaml when PyYAML was built with it (about ten times faster), else the pure-Python loader
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _compose(text: str) -> Node | None:
    loader = None
    try:
        loader = _Loader(text)  # the reader checks the characters already here
        root = loader.get_single_node()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        hint = _YAML_PROBLEMS.get(problem) or _("YAML 语法错误（%(problem)s）", problem=problem)
        if mark is None and hasattr(exc, "position"):  # ReaderError: a character YAML forbids
            line = text.count("\n", 0, exc.position) + 1
            raise ImportRejected(
                _("第 %(line)d 行：含有 YAML 不允许的控制字符", line=line)
            ) from None
        if mark is None:
            raise ImportRejected(hint) from None
        lines = text.split("\n")
        line = lines[mark.line] if mark.line < len(lines) else ""
        if "\t" in line[: len(line) - len(line.lstrip())]:
            hint = _("不能用 Tab 缩进，请改用空格")
        raise ImportRejected(
            _("第 %(line)d 行：%(problem)s", line=mark.line + 1, problem=hint)
        ) from None
    finally:
        if loader is not None:
            loader.dispose()
    _refuse_aliases(root)
    return root


def _refuse_aliases(root: Node | None) -> None:
    """An alias (``*x``) makes the composer reuse the anchored node; a node met twice is one.
    Refusing them keeps the walk linear in the file's size (no alias bombs)."""
    seen: set[int] = set()
    stack = [root] if root is not None else []
    while stack:
        node = stack.pop()
        if id(node) in seen:
            raise ImportRejected(
                _(
                    "%(where)s：题库文件不支持 YAML 锚点和别名（&名称、*名称），请把内容直接写出",
                    where=where(node),
                )
            )
        seen.add(id(node))
        if isinstance(node, SequenceNode):
            stack.extend(node.value)
        elif isinstance(node, MappingNode):
            stack.extend(item for pair in node.value for item in pair)


def scalar_text(node: Node) -> str | None:
    """The text of a scalar as written (None for null), or None for a list/mapping."""
    if not isinstance(node, ScalarNode) or node.tag == NULL_TAG:
        return None
    return node.value


def is_null(node: Node) -> bool:
    return isinstance(node, ScalarNode) and node.tag == NULL_TAG


class _Reader:
    """Walks the composed node tree of one file, collecting questions and issues."""

    def __init__(self) -> None:
        self.result = ParseResult()
        self.default_category: list[str] = []

    def issue(self, node: Node, message: str, field_key: str = "") -> None:
        label = field_label(field_key) if field_key else ""
        self.result.errors.append(ImportIssue(where(node), message, label))

    def pairs(self, node: MappingNode, top_level: bool) -> list[tuple[str, Node, Node]]:
        """(key text, key node, value node) of a mapping (the file's top level, or a
        question), reporting duplicate and non-text keys."""
        seen: set[str] = set()
        pairs = []
        for key_node, value_node in node.value:
            key = scalar_text(key_node)
            if key is None:
                self.issue(
                    key_node, _("文件顶层的键应为文字") if top_level else _("题目的键应为文字")
                )
                continue
            key = key.strip()
            if key in seen:
                self.issue(key_node, _("字段“%(key)s”重复", key=key))
                continue
            seen.add(key)
            pairs.append((key, key_node, value_node))
        return pairs

    def text(self, node: Node, field_key: str) -> str:
        if is_null(node):
            return ""
        value = scalar_text(node)
        if value is None:
            self.issue(node, _("应为文字，不能是列表或映射"), field_key)
            return ""
        return clean_text(value)

    def text_list(self, node: Node, field_key: str) -> list[str] | None:
        if not isinstance(node, SequenceNode):
            return None
        items = []
        for item in node.value:
            value = scalar_text(item)
            if value is None:
                self.issue(item, _("列表中的每一项应为文字"), field_key)
                continue
            items.append(clean_text(value))
        return items

    def category(self, node: Node) -> list[str]:
        items = self.text_list(node, "category")
        if items is not None:
            return [item for item in items if item]
        return parse_category(self.text(node, "category"))

    # ------------------------------------------------------------------ the file

    def read_file(self, root: Node | None) -> ParseResult:
        if root is None or is_null(root):
            raise ImportRejected(_("文件中没有题目（应有 questions: 列表）"))
        if isinstance(root, SequenceNode):
            self.read_questions(root)
            return self.result
        if not isinstance(root, MappingNode):
            raise ImportRejected(
                _("不是题库文件：文件顶层应为 bank / category / questions 三个字段")
            )
        questions = None
        for key, key_node, value in self.pairs(root, top_level=True):
            if key == "bank":
                self.result.bank_name = self.text(value, "bank")
            elif key == "category":
                self.default_category = self.category(value)
            elif key == "questions":
                questions = value
            else:
                self.issue(key_node, _unknown_key(key, FILE_KEYS, top_level=True))
        if questions is None:
            self.issue(root, _("缺少 questions:（题目列表）"))
        elif is_null(questions):
            pass  # "questions:" with nothing under it: an empty bank
        elif not isinstance(questions, SequenceNode):
            self.issue(questions, _("questions 应为列表，每道题以“- ”开头"))
        else:
            self.read_questions(questions)
        return self.result

    def read_questions(self, node: SequenceNode) -> None:
        for item in node.value:
            if not isinstance(item, MappingNode):
                self.issue(item, _("每道题应为“键: 值”形式的映射（type、stem、answer …）"))
                continue
            question = self.read_question(item)
            if question is not None:
                self.result.questions.append(question)

    # ------------------------------------------------------------------ one question

    def read_question(self, node: MappingNode) -> ParsedQuestion | None:
        before = len(self.result.errors)
        question = ParsedQuestion(type="", stem="", location=where(node))
        question.category = list(self.default_category)
        fields: dict[str, Node] = {}
        for key, key_node, value in self.pairs(node, top_level=False):
            name = KEY_ALIASES.get(key, key)
            if name not in QUESTION_KEYS:
                self.issue(key_node, _unknown_key(key, tuple(QUESTION_KEYS), top_level=False))
            elif name in fields:
                self.issue(key_node, _("字段“%(key)s”重复", key=key))
            else:
                fields[name] = value

        type_node = fields.get("type")
        if type_node is None:
            self.issue(node, _("缺少 type（题型）"), "type")
            return None
        raw_type = self.text(type_node, "type")
        question.type = parse_type(raw_type) or ""
        if not question.type:
            self.issue(
                type_node,
                _(
                    "题型“%(type)s”无法识别，应为 single / multiple / judge / blank / essay",
                    type=raw_type,
                ),
                "type",
            )
            return None

        if "stem" in fields:
            question.stem = self.text(fields["stem"], "stem")
        if "options" in fields and not is_null(fields["options"]):
            options = self.text_list(fields["options"], "options")
            if options is None:
                self.issue(fields["options"], _("options 应为列表，每个选项一行“- ”"), "options")
            else:
                question.options = options
        for key, attr in (
            ("explanation", "explanation"),
            ("source", "source"),
            ("lesson", "source_lesson"),
            ("title", "title"),
        ):
            if key in fields:
                setattr(question, attr, self.text(fields[key], QUESTION_KEYS[key]))
        if "category" in fields and not is_null(fields["category"]):
            question.category = self.category(fields["category"])
        if "tags" in fields and not is_null(fields["tags"]):
            tags = self.text_list(fields["tags"], "tags")
            question.tags = (
                [t for t in tags if t]
                if tags is not None
                else parse_tags(self.text(fields["tags"], "tags"))
            )
        if "difficulty" in fields:
            value, error = parse_difficulty(self.text(fields["difficulty"], "difficulty"))
            if error:
                self.issue(fields["difficulty"], error, "difficulty")
            elif value is not None:
                question.difficulty = value
        if "points" in fields:
            points, error = parse_points(self.text(fields["points"], "points"))
            if error:
                self.issue(fields["points"], error, "points")
            question.points = points

        answer_node = fields.get("answer")
        if answer_node is None or is_null(answer_node):
            if question.type == "essay":
                question.answer = ""
            else:
                self.issue(node, _("缺少 answer（答案）"), "answer")
        else:
            self.read_answer(question, answer_node)

        answer_label = field_label("answer")
        answer_reported = any(e.field == answer_label for e in self.result.errors[before:])
        for key, message in problems(question):
            if not (answer_reported and key == "answer"):
                self.result.errors.append(ImportIssue(question.location, message, field_label(key)))
        return question if len(self.result.errors) == before else None

    def read_answer(self, question: ParsedQuestion, node: Node) -> None:
        kind = question.type
        error: str | None = None
        if kind in CHOICE_TYPES:
            letters = self.text_list(node, "answer")
            raw = "".join(letters) if letters is not None else self.text(node, "answer")
            question.answer, error = parse_choice_answer(raw, len(question.options))
        elif kind == "judge":
            question.answer, error = parse_judge_answer(self.text(node, "answer"))
        elif kind == "blank":
            question.answer, error = self.blank_answer(node)
        else:
            question.answer = self.text(node, "answer")
        if error:
            self.issue(node, error, "answer")

    def blank_answer(self, node: Node) -> tuple[list[list[str]], str | None]:
        if not isinstance(node, SequenceNode):
            return parse_blank_answer(self.text(node, "answer"))
        blanks: list[list[str]] = []
        for item in node.value:
            alternatives = self.text_list(item, "answer")
            if alternatives is None:
                text = self.text(item, "answer")
                alternatives = [a for a in ALTERNATIVE_SEPARATORS.split(text) if a]
            alternatives = [a for a in alternatives if a]
            if not alternatives:
                return [], _("填空题某一空的答案为空")
            blanks.append(alternatives)
        if not blanks:
            return [], _("答案为空")
        return blanks, None


def _unknown_key(key: str, known: tuple[str, ...], top_level: bool) -> str:
    guess = difflib.get_close_matches(key, known + tuple(KEY_ALIASES), n=1, cutoff=0.6)
    if guess and top_level:
        return _("文件顶层中有未知字段“%(key)s”，是否应为“%(guess)s”？", key=key, guess=guess[0])
    if guess:
        return _("题目中有未知字段“%(key)s”，是否应为“%(guess)s”？", key=key, guess=guess[0])
    names = _("、").join(known)
    if top_level:
        return _("文件顶层中有未知字段“%(key)s”，可用的字段：%(names)s", key=key, names=names)
    return _("题目中有未知字段“%(key)s”，可用的字段：%(names)s", key=key, names=names)


def parse(data: bytes, filename: str) -> ParseResult:
    """Read one native YAML bank file (see the module docstring)."""
    return _Reader().read_file(_compose(decode_text(data)))
