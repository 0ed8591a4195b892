"""Property tests for the layouts of issue 11: generated banks written the way other systems
and PDF-pasted documents write them read back as exactly the questions generated.

Values are drawn directly (from alphabets that cannot form a marker) instead of being
filtered, so Hypothesis never rejects examples and the health check stays quiet."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.quiz.bank.importers import chinese_layout, chinese_text, xlsx
from app.quiz.bank.importers.base import LETTERS
from tests.quiz.bank.importers.corpus import as_xlsx

FUZZ = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# no digits, letters, brackets, colons or type/field words can be made of these
HAN = "党政治建设理论学习中心组领导班子计划备案集体研讨述评议记录档案成员秘书"
text = st.builds(
    lambda first, rest: first + rest,
    st.sampled_from(HAN),
    st.text(alphabet=HAN, max_size=12),
)
JUDGE_MARKS = {
    True: ["✔", "✓", "√", "对", "T", "正确", "true"],
    False: ["❌", "✗", "×", "错", "F", "错误", "false"],
}
HEADER = "××党校内部学习资料"


@st.composite
def choice(draw: st.DrawFn) -> tuple[str, str, list[str], object]:
    options = draw(st.lists(text, min_size=2, max_size=5, unique=True))
    count = draw(st.integers(1, len(options)))
    answer = sorted(draw(st.permutations(range(len(options))))[:count])
    kind = "single" if count == 1 else "multiple"
    return kind, draw(text), options, answer


@st.composite
def judge(draw: st.DrawFn) -> tuple[str, str, list[str], object]:
    return "judge", draw(text), [], draw(st.booleans())


@st.composite
def text_bank(draw: st.DrawFn) -> tuple[str, list[tuple[str, str, list[str], object]]]:
    questions = draw(st.lists(st.one_of(choice(), judge()), min_size=1, max_size=8))
    style = draw(st.sampled_from(["{n}. ", "{n}、", "（{n}）", "{n}．"]))
    header_every = draw(st.integers(1, 3))
    expected = []
    lines: list[str] = []
    for number, (kind, stem, options, answer) in enumerate(questions, start=1):
        if (number - 1) % header_every == 0:
            lines.append(HEADER)  # a PDF page header, repeated
        if draw(st.booleans()):
            lines.append(
                f"题型：{ {'single': '单选题', 'multiple': '多选题', 'judge': '判断题'}[kind] }"
            )
        year = draw(st.sampled_from(["", "2025年", "2024年度"]))
        stem = year + stem
        lines.append(style.format(n=number) + stem)
        written = list(options)
        if options and draw(st.booleans()):
            # the last option wrapped so that its second line is a bare type word
            word = draw(st.sampled_from(["判断", "单选", "填空", "简答"]))
            written[-1] = options[-1] + word
            lines += [f"{LETTERS[i]}. {o}" for i, o in enumerate(options)]
            lines.append(word)
        else:
            lines += [f"{LETTERS[i]}. {o}" for i, o in enumerate(options)]
        if kind == "judge":
            if draw(st.booleans()):
                lines += ["true. 正确", "false. 错误"]
                lines.append("答案：" + ("A" if answer else "B"))
            else:
                lines.append("答案：" + draw(st.sampled_from(JUDGE_MARKS[answer])))
        else:
            lines.append("答案：" + "".join(LETTERS[i] for i in answer))
        lines.append(draw(st.sampled_from(["", "-----", "=====", "* * * *", "————"])))
        expected.append((kind, stem, written, answer))
    # enough pages for the header to count as one
    lines += [HEADER] * max(0, chinese_layout.REPEAT_THRESHOLD - lines.count(HEADER))
    return "\n".join(lines), expected


@FUZZ
@given(bank=text_bank())
def test_generated_chinese_banks_with_the_new_layouts_read_back(bank):
    content, expected = bank
    result = chinese_text.parse(content.encode(), "a.txt")
    assert result.errors == []
    assert [(q.type, q.stem, q.options, q.answer) for q in result.questions] == expected


@FUZZ
@given(
    bank=st.lists(choice(), min_size=1, max_size=6, unique_by=lambda q: q[1]),
    repeat_stem=st.booleans(),
    lettered=st.booleans(),
)
def test_one_row_per_option_sheets_read_back(bank, repeat_stem, lettered):
    rows: list[list] = [["题型", "试题内容", "选项", "是否正确"]]
    for kind, stem, options, answer in bank:
        for index, option in enumerate(options):
            first = index == 0 or repeat_stem
            label = f"{LETTERS[index]}、{option}" if lettered else option
            mark = "是" if index in answer else "否"
            rows.append(
                [
                    "单选题" if kind == "single" and first else ("多选题" if first else None),
                    stem if first else None,
                    label,
                    mark,
                ]
            )
    result = xlsx.parse(as_xlsx(rows), "a.xlsx")
    assert result.errors == []
    assert [(q.type, q.stem, q.options, q.answer) for q in result.questions] == list(bank)


@FUZZ
@given(
    bank=st.lists(choice(), min_size=1, max_size=6),
    separator=st.sampled_from(["\n", "|", "；"]),
    synonyms=st.sampled_from(
        [
            ("题型", "问题内容", "备选答案", "正确选项"),
            ("试题类型", "题目内容", "备选答案", "参考答案"),
        ]
    ),
    title_rows=st.integers(0, 3),
)
def test_options_in_one_cell_under_other_headers_read_back(bank, separator, synonyms, title_rows):
    rows: list[list] = [[f"说明第{n}行"] for n in range(title_rows)]
    rows.append(list(synonyms))
    for kind, stem, options, answer in bank:
        cell = separator.join(f"{LETTERS[i]}.{o}" for i, o in enumerate(options))
        rows.append(
            [
                "单选" if kind == "single" else "不定项选择",
                stem,
                cell,
                "".join(LETTERS[i] for i in answer),
            ]
        )
    result = xlsx.parse(as_xlsx(rows), "a.xlsx")
    assert result.errors == []
    assert [(q.type, q.stem, q.options, q.answer) for q in result.questions] == list(bank)
