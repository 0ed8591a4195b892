"""Questions → Moodle GIFT text, readable by Moodle and by ``importers/gift``.

What survives: type, title, stem, options, answer, explanation (``####``), category
(``$CATEGORY: $course$/top/…``) and, in ``// [tag:…]`` comment lines that Moodle 3.10+
reads as tags, the tags plus ``难度:N``, ``分值:N``, ``出处:…`` and ``课时:…``. An essay's
reference answer goes into the general feedback as ``【参考答案】…`` (followed by
``【解析】…``), which the importer splits again.

What is lost:

* a blank question with more than one blank — GIFT has one answer block per question, so
  it is left out and named in a ``//`` comment in its place;
* a one-blank answer containing ``->`` (GIFT reads it as a matching question);
* the bank name, beyond a ``// 题库：…`` comment that only our importer reads.

Stems are written with ``[markdown]``; text is escaped (``\\~ \\= \\# \\{ \\} \\: \\\\``, line
breaks as ``\\n``), so every question is one line of text plus its answer block.
"""

from __future__ import annotations

from app.quiz.bank.importers.base import ParsedQuestion
from app.quiz.bank.importers.gift import ESSAY_ANSWER, ESSAY_EXPLANATION
from app.quiz.bank.importers.moodle_xml import default_name, join_category_path, meta_tags

# weight of each correct option for 2–8 correct options (values Moodle accepts)
_SHARES = {2: "50", 3: "33.33333", 4: "25", 5: "20", 6: "16.66667", 7: "14.28571", 8: "12.5"}


def escape(text: str) -> str:
    text = text.replace("\\", "\\\\")
    for ch in "~=#{}:":
        text = text.replace(ch, "\\" + ch)
    return text.replace("\r", "").replace("\n", "\\n")


def _part(text: str) -> str:
    """Escaped text; one that starts with "[" gets a format prefix so it is not read as one."""
    return ("[markdown]" if text.startswith("[") else "") + escape(text)


def _tag(text: str) -> str:
    return text.replace("\\", "\\\\").replace("]", "\\]").replace("\r", "").replace("\n", "\\n")


def _answer_block(question: ParsedQuestion) -> list[str] | None:
    kind, lines = question.type, []
    if kind in ("single", "multiple"):
        correct = set(question.answer or [])
        share = _SHARES.get(len(correct), "100")
        for index, option in enumerate(question.options):
            if kind == "single":
                # "~%0%" keeps an option that starts with "%" from being read as a weight
                mark = "=" if index in correct else ("~%0%" if option.startswith("%") else "~")
            else:
                mark = f"~%{share}%" if index in correct else "~%-100%"
            lines.append(f"\t{mark}{_part(option)}")
    elif kind == "judge":
        lines.append("\tTRUE" if question.answer else "\tFALSE")
    elif kind == "blank":
        blanks = question.answer or []
        if len(blanks) != 1:
            return None
        for alternative in blanks[0]:
            lines.append(f"\t={'%100%' if alternative.startswith('%') else ''}{_part(alternative)}")
    feedback = question.explanation
    if kind == "essay" and (question.answer or feedback.startswith(ESSAY_ANSWER)):
        feedback = f"{ESSAY_ANSWER}\n{question.answer or ''}"
        if question.explanation:
            feedback += f"\n\n{ESSAY_EXPLANATION}\n{question.explanation}"
    if feedback:
        lines.append(f"\t####{_part(feedback)}")
    return lines


def export_gift(questions: list[ParsedQuestion], bank_name: str = "") -> bytes:
    out = ["// 学考题库导出（GIFT 格式）"]
    if bank_name:
        out.append(f"// 题库：{' '.join(bank_name.split())}")
    out.append("")
    category: list[str] = []
    for number, question in enumerate(questions, start=1):
        block = _answer_block(question)
        if block is None:
            name = " ".join(default_name(question.stem).split())
            out += [f"// 第 {number} 题是多空填空题，GIFT 无法表示，未导出：{name}", ""]
            continue
        if question.category != category:
            category = list(question.category)
            path = join_category_path(["$course$", "top", *category])
            out += [f"$CATEGORY: {escape(path)}", ""]
        tags = meta_tags(question, with_points=True)
        out.append("// " + " ".join(f"[tag:{_tag(tag)}]" for tag in tags))
        title = f"::{escape(question.title)}::" if question.title else ""
        out.append(f"{title}[markdown]{escape(question.stem)}{{")
        out += block
        out += ["}", ""]
    return "\n".join(out).encode("utf-8")
