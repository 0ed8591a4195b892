"""Moodle XML: ``<quiz><question type="…">…</question></quiz>``.

Conventions (shared with ``exporters/moodle_xml`` and, for tags and categories, GIFT):

* Parsed with defusedxml with DTDs forbidden: a DTD, an entity declaration or an external
  reference rejects the whole file (Moodle never writes one), so nothing is ever expanded.
* Text in ``format="html"`` is converted to Markdown-style text by ``html_to_text``:
  paragraphs and ``<br>`` become line breaks, lists ``- ``/``1. ``, bold/italic ``**``/``*``,
  links and images their Markdown form, ``<u>`` around nothing but spaces a blank ``____``;
  ``<pre>`` a fenced block keeping its indentation; other tags are dropped and their text
  kept. This keeps stems searchable and duplicate detection working; Moodle's richer HTML
  (tables, colours) is lost. ``markdown``, ``plain_text`` and ``moodle_auto_format`` text is
  kept as written. Questions have no images here: a question whose text, options or
  reference answer use an embedded file (``@@PLUGINFILE@@/name.png`` with its base64
  ``<file>``, or Moodle 1.x's ``<image>``/``<image_base64>``) is an error naming the files —
  never imported without them (with ``skip_invalid`` it lands in the skipped report).
* Single choice with partial credit on other answers (fraction between 0 and the best):
  the best answer is correct and the weights are dropped with a note, as the platform
  scores a single choice right or wrong.
* Types: ``multichoice`` (``<single>true`` → single, the best positive answer correct;
  ``false`` → every answer with ``fraction`` > 0 correct, multiple when two or more),
  ``multichoiceset``, ``truefalse``, ``shortanswer`` (one blank, every answer with
  fraction > 0 accepted; ``\\*`` is a literal asterisk, a bare ``*`` wildcard is refused),
  ``essay`` (``<graderinfo>`` is the reference answer) and ``cloze``/``multianswer`` when
  every gap is a short-answer gap (one blank per gap). Everything else is an error naming
  the question.
* Categories: ``$course$/top/题库/一级/二级``. The ``$…$`` context and ``top`` are dropped;
  when every category in the file starts with the same name it is the bank name
  (``ParseResult.bank_name``) and the rest is the category path. ``//`` inside a name is a
  literal ``/`` (Moodle's escape).
* Fields Moodle has no place for travel as tags (``META_TAGS``): ``难度:3``, ``出处:…``,
  ``课时:course/lesson#anchor`` and, in GIFT only, ``分值:2``; they are taken out of the tag
  list on import.
* ``<name>`` → title, unless it is just the start of the stem (``default_name``), which is
  what Moodle and our exporter write when a question has no title.
* Locations are "第 N 题（名称）", N counting questions, not categories.
"""

from __future__ import annotations

import html
import re
import urllib.parse
import xml.etree.ElementTree as ET
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from html.parser import HTMLParser

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from .base import (
    ImportIssue,
    ImportRejected,
    ParsedQuestion,
    ParseResult,
    clean_text,
    decode_text,
    field_label,
    parse_difficulty,
    parse_points,
    validate,
)

META_TAGS = {"难度": "difficulty", "出处": "source", "课时": "source_lesson", "分值": "points"}
META_TAG = re.compile(r"^(难度|出处|课时|分值)\s*[:：](.*)$", re.S)
BLANK_MARK = re.compile(r"_{2,}|＿{2,}|[（(]\s*[)）]")
SHORT_GAP_TYPES = {"SHORTANSWER", "SA", "MW", "SHORTANSWER_C", "SAC", "MWC"}
_GAP = re.compile(r"\{(\d*):([A-Z_]+):((?:\\.|[^\\}])*)\}", re.S)
BLANKS_CONTAINER = ('<span class="xuekao-blanks">', "</span>")
UNSUPPORTED = {
    "matching": _l("匹配题"),
    "ddmatch": _l("拖放匹配题"),
    "numerical": _l("数值题"),
    "calculated": _l("计算题"),
    "calculatedsimple": _l("简单计算题"),
    "calculatedmulti": _l("计算选择题"),
    "ddwtos": _l("拖放填词题"),
    "gapselect": _l("下拉选词题"),
    "ddimageortext": _l("图片拖放题"),
    "ddmarker": _l("拖放标记题"),
    "randomsamatch": _l("随机匹配题"),
    "random": _l("随机题"),
    "description": _l("描述文字（不是题目）"),
    "ordering": _l("排序题"),
}
_XML_PROBLEMS = {
    "not well-formed (invalid token)": _l("有非法字符，或 <、& 没有转义"),
    "mismatched tag": _l("标签没有正确闭合"),
    "no element found": _l("文件不完整"),
    "unclosed token": _l("内容被截断"),
    "undefined entity": _l("使用了未定义的实体（如 &nbsp; 应写作 &#160;）"),
    "junk after document element": _l("根元素之后还有多余内容"),
}


# ---------------------------------------------------------------------- HTML → text

_BLOCKS = {"p", "div", "section", "article", "blockquote", "pre", "table", "hr"} | {
    f"h{n}" for n in range(1, 7)
}
_INLINE = {"strong": "**", "b": "**", "em": "*", "i": "*"}
# <pre> keeps its indentation: a noncharacter stands for each leading space while lines are
# trimmed (``html_to_text``), and the block is fenced so Markdown shows it as written
_INDENT = "\ufdef"
_LEADING = re.compile(r"(?:(?<=\n)|^)[ \t]+", re.M)


class _HtmlText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.skip = 0
        self.pre = 0
        self.lists: list[list[int]] = []  # [ordered, count]
        self.open: list[tuple[str, int, str]] = []  # (tag, start in out, href)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {k: v or "" for k, v in attrs}
        if tag in ("script", "style"):
            self.skip += 1
        elif tag == "br":
            self.out.append("\n")
        elif tag == "pre":
            self.out.append("\n\n```\n")
            self.pre += 1
        elif tag in _BLOCKS:
            self.out.append("\n\n")
        elif tag in ("ul", "ol"):
            self.lists.append([tag == "ol", 0])
            self.out.append("\n")
        elif tag == "li":
            if self.lists:
                self.lists[-1][1] += 1
            ordered, count = self.lists[-1] if self.lists else (0, 0)
            self.out.append(f"\n{count}. " if ordered else "\n- ")
        elif tag == "tr":
            self.out.append("\n")
        elif tag in ("td", "th"):
            self.out.append(" ")
        elif tag == "img":
            alt, src = attributes.get("alt", ""), attributes.get("src", "")
            self.out.append(f"![{alt}]({src})")
        elif tag in _INLINE or tag in ("a", "u"):
            self.open.append((tag, len(self.out), attributes.get("href", "")))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self.skip = max(0, self.skip - 1)
        elif tag == "pre":
            self.out.append("\n```\n\n")
            self.pre = max(0, self.pre - 1)
        elif tag in _BLOCKS:
            self.out.append("\n\n")
        elif tag in ("ul", "ol"):
            if self.lists:
                self.lists.pop()
            self.out.append("\n")
        elif self.open and self.open[-1][0] == tag:
            _tag, start, href = self.open.pop()
            inner = "".join(self.out[start:])
            del self.out[start:]
            self.out.append(self._wrap(tag, inner, href))

    @staticmethod
    def _wrap(tag: str, inner: str, href: str) -> str:
        if tag == "u":
            return "____" if not inner.strip() else inner
        if not inner.strip():
            return inner
        if tag == "a":
            return inner if not href or inner.strip() == href else f"[{inner.strip()}]({href})"
        mark = _INLINE[tag]
        lead, trail = inner[: len(inner) - len(inner.lstrip())], inner[len(inner.rstrip()) :]
        return f"{lead}{mark}{inner.strip()}{mark}{trail}"

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        data = data.replace("\xa0", " ")
        if self.pre:
            # leading spaces survive html_to_text's line trimming as placeholders
            data = _LEADING.sub(lambda m: _INDENT * len(m.group(0).expandtabs(4)), data)
            self.out.append(data)
        else:
            self.out.append(re.sub(r"[ \t\r\n\f]+", " ", data))


def html_to_text(source: str) -> str:
    """Moodle HTML → Markdown-style text (see the module docstring)."""
    parser = _HtmlText()
    try:
        parser.feed(source)
        parser.close()
        text = "".join(parser.out)
    except (AssertionError, ValueError):  # html.parser gives up on some broken <! … > markup
        text = html.unescape(re.sub(r"<[^>]*>", " ", source))
    lines = [line.strip() for line in text.replace("\r", "").split("\n")]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    return text.replace(_INDENT, " ")


# ---------------------------------------------------------------------- shared conventions


def default_name(stem: str) -> str:
    """The name given to a question without a title: the start of its stem on one line."""
    return re.sub(r"\s+", " ", stem).strip()[:40].rstrip()


def meta_tags(question: ParsedQuestion, with_points: bool = False) -> list[str]:
    """The question's tags plus the fields Moodle cannot hold (see ``META_TAGS``)."""
    tags = list(question.tags) + [f"难度:{question.difficulty}"]
    if with_points and question.points is not None:
        tags.append(f"分值:{format(question.points.normalize(), 'f')}")
    if question.source:
        tags.append(f"出处:{question.source}")
    if question.source_lesson:
        tags.append(f"课时:{question.source_lesson}")
    return tags


def apply_tags(question: ParsedQuestion, tags: list[str]) -> list[str]:
    """Put tags on the question, metadata tags into their fields; returns error messages."""
    errors = []
    for tag in tags:
        match = META_TAG.match(tag)
        if not match:
            if tag and tag not in question.tags:
                question.tags.append(tag)
            continue
        key, value = META_TAGS[match.group(1)], clean_text(match.group(2))
        if key == "difficulty":
            difficulty, error = parse_difficulty(value)
            if error:
                errors.append(_("标签“%(tag)s”：%(error)s", tag=tag, error=error))
            elif difficulty is not None:
                question.difficulty = difficulty
        elif key == "points":
            points, error = parse_points(value)
            if error:
                errors.append(_("标签“%(tag)s”：%(error)s", tag=tag, error=error))
            question.points = points
        else:
            setattr(question, key, value)
    return errors


def split_category_path(path: str) -> list[str]:
    """``$course$/top/a//b/c`` → ``["a/b", "c"]``."""
    parts: list[str] = []
    current: list[str] = []
    i = 0
    while i < len(path):
        if path.startswith("//", i):
            current.append("/")
            i += 2
            continue
        if path[i] == "/":
            parts.append("".join(current))
            current = []
        else:
            current.append(path[i])
        i += 1
    parts.append("".join(current))
    names = [name for name in (clean_text(p) for p in parts) if name]
    if names and re.fullmatch(r"\$\w+\$", names[0]):
        names = names[1:]
    if names and names[0] == "top":
        names = names[1:]
    return names


def join_category_path(names: list[str]) -> str:
    return "/".join(name.replace("/", "//") for name in names)


def escape_gap_answer(text: str) -> str:
    return re.sub(r"([\\}#~*])", r"\\\1", text)


def gap(alternatives: list[str]) -> str:
    """One short-answer cloze gap accepting every alternative."""
    return "{1:SHORTANSWER:" + "~".join("=" + escape_gap_answer(a) for a in alternatives) + "}"


def split_unescaped(text: str, separator: str) -> list[str]:
    """Split at ``separator`` where it is not escaped by a backslash (``\\`` is one)."""
    parts, current, i = [], [], 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text):
            current.append(text[i : i + 2])
            i += 2
            continue
        if text[i] == separator:
            parts.append("".join(current))
            current = []
        else:
            current.append(text[i])
        i += 1
    parts.append("".join(current))
    return parts


def _gap_alternatives(kind: str, body: str) -> tuple[list[str], str | None]:
    if kind not in SHORT_GAP_TYPES:
        return [], _(
            "完形填空（cloze）中的“%(kind)s”空不受支持，只支持 SHORTANSWER 简答空", kind=kind
        )
    accepted = []
    for part in split_unescaped(body, "~"):
        weight = re.match(r"\s*(=|%(-?\d+(?:[.,]\d*)?)%)?", part)
        answer = split_unescaped(part[weight.end() if weight else 0 :], "#")[0]
        if not weight or not weight.group(1):
            continue  # no weight: a wrong answer kept for its feedback
        if weight.group(2) is not None and float(weight.group(2).replace(",", ".")) <= 0:
            continue
        if len(split_unescaped(answer, "*")) > 1:
            return [], _("答案含通配符“*”，本平台不支持")
        text = clean_text(re.sub(r"\\(.)", r"\1", answer, flags=re.S))
        if text:
            accepted.append(text)
    if not accepted:
        return [], _("完形填空的某个空没有正确答案")
    return accepted, None


def parse_cloze(text: str) -> tuple[str, list[list[str]], list[str]]:
    """Cloze question text → (stem, blanks, errors). A gap right after a blank mark
    (``____``, ``（ ）``) is dropped, any other becomes ``____``; gaps our exporter collected
    in a trailing ``BLANKS_CONTAINER`` are taken out of the stem whole."""
    opening, closing = BLANKS_CONTAINER
    gaps_only = rf"\n\n{re.escape(opening)}((?:\s*{_GAP.pattern})+)\s*{re.escape(closing)}"
    container = re.search(gaps_only + r"\s*\Z", text, re.S)
    blanks: list[list[str]] = []
    errors: list[str] = []

    def take(match: re.Match[str]) -> None:
        alternatives, error = _gap_alternatives(match.group(2), match.group(3))
        if error:
            errors.append(error)
        blanks.append(alternatives)

    if container:
        for match in _GAP.finditer(container.group(1)):
            take(match)
        return text[: container.start()], blanks, errors
    pieces, last = [], 0
    for match in _GAP.finditer(text):
        before = text[last : match.start()]
        pieces.append(before)
        take(match)
        stem_so_far = "".join(pieces)
        if not re.search(rf"(?:{BLANK_MARK.pattern})\Z", stem_so_far):
            pieces.append("____")
        last = match.end()
    pieces.append(text[last:])
    return "".join(pieces), blanks, errors


# ---------------------------------------------------------------------- the file


def _readable_bytes(data: bytes) -> bytes:
    """Bytes expat can read: it knows UTF-8/UTF-16/Latin-1 only, so a GBK file (declared or
    not) is decoded here and handed over as UTF-8."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf")):
        return data
    declared = re.match(rb"\s*<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._-]+)[\"']", data)
    encoding = declared.group(1).decode("ascii").lower() if declared else ""
    if encoding in ("", "utf-8", "utf8"):
        try:
            data.decode("utf-8")
            return data
        except UnicodeDecodeError:
            if encoding:
                raise ImportRejected(_("文件声明为 UTF-8 编码，但内容不是 UTF-8")) from None
            text = decode_text(data)
    else:
        try:
            text = data.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            raise ImportRejected(
                _(
                    "无法按文件声明的编码“%(encoding)s”读取，请另存为 UTF-8 后再导入",
                    encoding=encoding,
                )
            ) from None
    text = re.sub(r"^\s*<\?xml[^>]*\?>", '<?xml version="1.0"?>', text, count=1)
    return text.encode("utf-8")


def _read_xml(data: bytes) -> ET.Element:
    try:
        return SafeET.fromstring(_readable_bytes(data), forbid_dtd=True)
    except DefusedXmlException:
        raise ImportRejected(
            _(
                "文件含有 DTD、实体声明或外部引用，出于安全考虑拒绝导入"
                "（Moodle 导出的文件不含这些内容）"
            )
        ) from None
    except ET.ParseError as exc:
        reason = str(exc).split(":")[0]
        line, column = exc.position
        hint = _XML_PROBLEMS.get(reason, reason)
        raise ImportRejected(
            _(
                "不是有效的 XML 文件：第 %(line)d 行第 %(column)d 列附近%(problem)s",
                line=line,
                column=column,
                problem=hint,
            )
        ) from None
    except (ValueError, LookupError):  # an encoding expat cannot handle
        raise ImportRejected(_("无法识别 XML 文件的编码，请另存为 UTF-8 后再导入")) from None


def _text(element: ET.Element | None, *path: str) -> str:
    for name in path:
        if element is None:
            return ""
        element = element.find(name)
    if element is None:
        return ""
    # HTML written as XML elements instead of CDATA: take it as markup
    children = [ET.tostring(child, encoding="unicode") for child in element]
    return (element.text or "") + "".join(children)


_PLUGINFILE = re.compile(r"@@PLUGINFILE@@/([^\"'\s)<>]+)")


def _rich(element: ET.Element | None) -> tuple[str, list[str]]:
    """A Moodle text field → (text, names of the embedded files it refers to)."""
    if element is None:
        return "", []
    raw = _text(element, "text")
    fmt = element.get("format") or ("html" if re.search(r"<[A-Za-z/!]", raw) else "plain_text")
    text = html_to_text(raw) if fmt == "html" else raw.replace("\r\n", "\n")
    files = [urllib.parse.unquote(name) for name in _PLUGINFILE.findall(raw)]
    if "@@PLUGINFILE@@" in raw and not files:
        files = ["@@PLUGINFILE@@"]
    files += [f.get("name") or "" for f in element.findall("file") if f.get("name")]
    return clean_text(text), list(dict.fromkeys(files))


def _image_message(where: str, files: list[str]) -> str:
    return _(
        "%(where)s含有图片或附件“%(files)s”（内嵌在 XML 中），本平台的题目暂不支持图片，"
        "没有导入；请删去图片、改用文字描述后再导入这道题",
        where=where,
        files="、".join(files),
    )


def _fraction(answer: ET.Element) -> Decimal | None:
    try:
        return Decimal((answer.get("fraction") or "0").strip().replace(",", "."))
    except InvalidOperation:
        return None


_Report = Callable[..., None]  # error(message, field key)


class _Reader:
    def __init__(self) -> None:
        self.result = ParseResult()
        self.paths: list[list[str] | None] = []  # raw category path of each question
        self.count = 0

    def read(self, root: ET.Element) -> ParseResult:
        if root.tag != "quiz":
            raise ImportRejected(
                _("不是 Moodle XML 题目文件：根元素应为 <quiz>，实际是 <%(tag)s>", tag=root.tag)
            )
        path: list[str] | None = None
        categories: list[list[str]] = []
        for element in root.iter("question"):
            if element.get("type") == "category":
                holder = element.find("category")
                # Moodle 2+ wraps the path in <text>; older exports put it directly inside
                has_text = holder is not None and holder.find("text") is not None
                path = split_category_path(_text(holder, "text") if has_text else _text(holder))
                categories.append(path)
                continue
            self.count += 1
            question = self.question(element)
            if question is not None:
                self.result.questions.append(question)
                self.paths.append(path)
        self.assign_categories(categories)
        if not self.count and not self.result.errors:
            self.result.errors.append(ImportIssue(_("文件"), _("没有找到任何题目（<question>）")))
        return self.result

    def assign_categories(self, categories: list[list[str]]) -> None:
        firsts = {path[0] for path in categories if path}
        bank = firsts.pop() if len(firsts) == 1 and all(categories) else ""
        self.result.bank_name = bank
        for question, path in zip(self.result.questions, self.paths, strict=True):
            path = path or []
            question.category = path[1:] if bank and path[:1] == [bank] else list(path)

    def question(self, element: ET.Element) -> ParsedQuestion | None:
        kind = element.get("type") or ""
        name = clean_text(_text(element, "name", "text"))
        if name:
            location = _("第 %(n)d 题（%(name)s）", n=self.count, name=name)
        else:
            location = _("第 %(n)d 题", n=self.count)
        errors: list[ImportIssue] = []

        def error(message: str, field_key: str = "") -> None:
            label = field_label(field_key) if field_key else ""
            errors.append(ImportIssue(location, message, label))

        if kind in UNSUPPORTED or kind not in _HANDLERS:
            error(
                _(
                    "Moodle %(label)s（%(kind)s）不受支持",
                    label=UNSUPPORTED.get(kind) or _("未知题型"),
                    kind=kind or _("未标明类型"),
                ),
                "type",
            )
            self.result.errors.extend(errors)
            return None
        question = ParsedQuestion(type="", stem="", location=location)
        question.stem, embedded = _rich(element.find("questiontext"))
        question.explanation, embedded_feedback = _rich(element.find("generalfeedback"))
        # Moodle 1.x kept a question's picture in <image> (a path) and <image_base64>
        old = clean_text(_text(element, "image"))
        if old or clean_text(_text(element, "image_base64")):
            embedded.append(old.rsplit("/", 1)[-1] or "image_base64")
        if embedded or embedded_feedback:
            error(_image_message(_("题目"), embedded + embedded_feedback), "stem")

        def note(message: str) -> None:
            self.result.notes.append(ImportIssue(location, message))

        _HANDLERS[kind](element, question, error, note)
        question.title = "" if name == default_name(question.stem) else name
        grade = _text(element, "defaultgrade").strip()
        if grade:
            question.points, message = parse_points(grade)
            if message:
                error(message, "points")
        tags = [clean_text(t.text) for t in element.findall("tags/tag/text")]
        for message in apply_tags(question, tags):
            error(message, "tags")
        if question.type:
            reported = {e.field for e in errors}
            errors.extend(e for e in validate(question) if e.field not in reported)
        self.result.errors.extend(errors)
        return None if errors else question


def _choice(element: ET.Element, question: ParsedQuestion, error: _Report, note: _Report) -> None:
    fractions: list[Decimal] = []
    for answer in element.findall("answer"):
        text, embedded = _rich(answer)
        if embedded:
            error(_image_message(_("选项"), embedded), "options")
        fraction = _fraction(answer)
        if fraction is None:
            error(_("选项“%(option)s”的 fraction 不是数字", option=text), "answer")
            fraction = Decimal(0)
        question.options.append(text)
        fractions.append(fraction)
    single = _text(element, "single").strip().lower() in ("true", "1")
    best = max(fractions, default=Decimal(0))
    if element.get("type") == "multichoice" and single:
        correct = [i for i, f in enumerate(fractions) if f > 0 and f == best]
        if len(correct) > 1:
            error(_("单选题有多个满分选项，无法确定唯一正确答案"), "answer")
        partial = [i for i, f in enumerate(fractions) if 0 < f < best]
        if partial and len(correct) == 1:
            note(dropped_weights_note([(question.options[i], fractions[i]) for i in partial]))
    else:
        correct = [i for i, f in enumerate(fractions) if f > 0]
    if not correct:
        error(_("没有正确选项（fraction 大于 0 的答案）"), "answer")
    question.type = "multiple" if len(correct) > 1 and not single else "single"
    question.answer = correct


def dropped_weights_note(partial: list[tuple[str, Decimal]]) -> str:
    """Single choice with partial credit on wrong answers: the platform scores a single
    choice right or wrong, so the weights are dropped, and said so."""
    listed = "、".join(f"“{text}” {format(weight.normalize(), 'f')}%" for text, weight in partial)
    return _(
        "单选题的部分得分（%(listed)s）本平台不支持，已忽略：只有正确选项得分",
        listed=listed,
    )


def _truefalse(
    element: ET.Element, question: ParsedQuestion, error: _Report, note: _Report
) -> None:
    question.type = "judge"
    for answer in element.findall("answer"):
        fraction = _fraction(answer) or Decimal(0)
        word = _text(answer, "text").strip().lower()
        if fraction > 0 and word in ("true", "false"):
            question.answer = word == "true"
    if question.answer is None:
        error(_("判断题没有标明正确答案（fraction 为 100 的 true 或 false）"), "answer")


def _shortanswer(
    element: ET.Element, question: ParsedQuestion, error: _Report, note: _Report
) -> None:
    question.type = "blank"
    accepted = []
    for answer in element.findall("answer"):
        fraction = _fraction(answer)
        raw = _text(answer, "text")
        if fraction is None or fraction <= 0:
            continue
        if re.search(r"(?<!\\)\*", raw):  # Moodle's wildcard; "\*" is a literal asterisk
            error(_("答案“%(answer)s”含通配符“*”，本平台不支持", answer=raw), "answer")
            continue
        text = clean_text(raw.replace("\\*", "*"))
        if text:
            accepted.append(text)
    if not accepted:
        error(_("没有正确答案（fraction 大于 0 的答案）"), "answer")
    question.answer = [accepted]


def _essay(element: ET.Element, question: ParsedQuestion, error: _Report, note: _Report) -> None:
    question.type = "essay"
    question.answer, embedded = _rich(element.find("graderinfo"))
    if embedded:
        error(_image_message(_("参考答案"), embedded), "answer")


def _cloze(element: ET.Element, question: ParsedQuestion, error: _Report, note: _Report) -> None:
    question.type = "blank"
    question.stem, question.answer, problems = parse_cloze(question.stem)
    question.stem = clean_text(question.stem)
    for message in problems:
        error(message, "answer")
    if not question.answer:
        error(_("完形填空题中没有找到 {1:SHORTANSWER:=…} 形式的空"), "answer")


_HANDLERS = {
    "multichoice": _choice,
    "multichoiceset": _choice,
    "truefalse": _truefalse,
    "shortanswer": _shortanswer,
    "essay": _essay,
    "cloze": _cloze,
    "multianswer": _cloze,
}


def parse(data: bytes, filename: str) -> ParseResult:
    """Read a Moodle XML question export (see the module docstring)."""
    return _Reader().read(_read_xml(data))
