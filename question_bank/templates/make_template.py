"""Generate the Excel import template and a filled example next to this script.

    .venv/bin/python question_bank/templates/make_template.py

题库导入模板.xlsx — header row (all eight option columns), column widths, frozen header,
a 题型 dropdown and a 难度 1–5 check on the first 5,000 rows, and a 填写说明 sheet.
题库导入示例.xlsx — the same with two questions of each type, on theory-study topics.

Both are written by the exporter's own code (``app.quiz.bank.exporters.xlsx``), so the template
cannot drift from what the importer reads; the tests import both files.
"""

from __future__ import annotations

import sys
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

from openpyxl.styles import Alignment, Font, PatternFill  # noqa: E402
from openpyxl.utils import get_column_letter  # noqa: E402
from openpyxl.workbook.workbook import Workbook  # noqa: E402
from openpyxl.worksheet.datavalidation import DataValidation  # noqa: E402
from openpyxl.worksheet.worksheet import Worksheet  # noqa: E402

from app.quiz.bank.exporters.xlsx import build_workbook  # noqa: E402
from app.quiz.bank.importers.base import LETTERS, TYPE_LABELS, ParsedQuestion  # noqa: E402

TEMPLATE = HERE / "题库导入模板.xlsx"
EXAMPLE = HERE / "题库导入示例.xlsx"
VALIDATED_ROWS = 5000

EXAMPLES = [
    ParsedQuestion(
        type="single",
        stem="党的政治建设是党的（ ）建设，决定党的建设方向和效果。",
        options=["根本性", "基础性", "长期性", "全局性"],
        answer=[0],
        explanation="党的十九大报告指出，党的政治建设是党的根本性建设，决定党的建设方向和效果。",
        difficulty=2,
        category=["党的建设", "政治建设"],
        points=Decimal("2"),
        source="党的十九大报告",
        tags=["领导班子政治建设"],
    ),
    ParsedQuestion(
        type="single",
        stem="党委（党组）理论学习中心组学习的第一责任人是（ ）。",
        options=["党委（党组）书记", "中心组学习秘书", "宣传部部长", "组织部部长"],
        answer=[0],
        explanation="党委（党组）书记是中心组学习的第一责任人，负责组织和主持中心组学习。",
        difficulty=2,
        category=["理论学习", "中心组学习"],
        points=Decimal("2"),
        source="《中国共产党党委（党组）理论学习中心组学习规则》",
        tags=["中心组学习"],
    ),
    ParsedQuestion(
        type="multiple",
        stem="增强“四个意识”，是指增强（ ）。",
        options=["政治意识", "大局意识", "核心意识", "看齐意识", "忧患意识"],
        answer=[0, 1, 2, 3],
        explanation="“四个意识”即政治意识、大局意识、核心意识、看齐意识。",
        difficulty=2,
        category=["党的建设", "政治建设"],
        points=Decimal("3"),
        tags=["四个意识"],
    ),
    ParsedQuestion(
        type="multiple",
        stem="坚定“四个自信”，是指坚定（ ）。",
        options=["道路自信", "理论自信", "制度自信", "文化自信"],
        answer=[0, 1, 2, 3],
        explanation="“四个自信”即中国特色社会主义道路自信、理论自信、制度自信、文化自信。",
        difficulty=1,
        category=["理论学习", "基本概念"],
        points=Decimal("3"),
        tags=["四个自信"],
    ),
    ParsedQuestion(
        type="judge",
        stem="理论学习中心组学习以集体学习研讨为主要形式。",
        answer=True,
        explanation="中心组学习以集体学习研讨为主要形式，并结合个人自学、专题辅导等方式。",
        difficulty=2,
        category=["理论学习", "中心组学习"],
        points=Decimal("1"),
    ),
    ParsedQuestion(
        type="judge",
        stem="党的政治建设是党的基础性建设。",
        answer=False,
        explanation="党的政治建设是党的根本性建设。",
        difficulty=1,
        category=["党的建设", "政治建设"],
        points=Decimal("1"),
    ),
    ParsedQuestion(
        type="blank",
        stem="____是党的根本性建设，决定党的建设方向和效果。",
        answer=[["党的政治建设", "政治建设"]],
        explanation="一个空有几种可接受的写法时，用“/”分隔。",
        difficulty=2,
        category=["党的建设", "政治建设"],
        points=Decimal("2"),
    ),
    ParsedQuestion(
        type="blank",
        stem="党的政治建设是党的____建设，决定党的建设____和效果。",
        answer=[["根本性"], ["方向"]],
        explanation="有两个空时，各空答案按顺序用“|”分隔。",
        difficulty=3,
        category=["党的建设", "政治建设"],
        points=Decimal("2"),
    ),
    ParsedQuestion(
        type="essay",
        stem="简述加强领导班子政治建设的主要举措。",
        answer=(
            "（1）坚持用党的创新理论武装头脑，筑牢思想根基；\n"
            "（2）严格执行新形势下党内政治生活若干准则，严肃党内政治生活；\n"
            "（3）坚持和完善民主集中制，增强班子整体功能；\n"
            "（4）开好民主生活会，认真开展批评和自我批评。"
        ),
        explanation="要点齐全、表述准确即可得分。",
        difficulty=4,
        category=["党的建设", "领导班子建设"],
        points=Decimal("10"),
        tags=["领导班子政治建设"],
    ),
    ParsedQuestion(
        type="essay",
        stem="结合工作实际，谈谈如何提高理论学习中心组学习的质量。",
        answer="可从完善学习计划、突出学习重点、坚持集体研讨、推动学用结合、强化督促检查等方面作答。",
        difficulty=4,
        category=["理论学习", "中心组学习"],
        points=Decimal("10"),
    ),
]

COLUMN_NOTES = [
    ("题型", "必填", "单选题、多选题、判断题、填空题、简答题（可从下拉列表选择）", "单选题"),
    ("题干", "必填", "题目正文；空白处可写成“（ ）”或“____”", "党的政治建设是党的（ ）建设。"),
    (
        "选项A～选项H",
        "选择题必填",
        "每个选项一格，从选项A起连续填写，最多 8 个；其他题型留空",
        "根本性",
    ),
    ("答案", "必填", "见下方“答案写法”；简答题填参考答案，可留空", "A"),
    ("解析", "选填", "答题后向学员展示的解析", ""),
    ("难度", "选填", "1～5 的整数，1 最易，不填按 3", "2"),
    ("知识点", "选填", "分类路径，层级之间用“/”分隔", "党的建设/政治建设"),
    ("分值", "选填", "大于 0 的数字，可带小数；不填按组卷设置", "2"),
    ("出处", "选填", "文件、讲话或书目名称", "党的十九大报告"),
    ("标签", "选填", "多个标签用顿号、逗号或空格分隔", "领导班子政治建设、学习"),
]
ANSWER_NOTES = [
    ("单选题", "一个选项字母", "A"),
    ("多选题", "两个及以上选项字母，可连写或用顿号、逗号分隔", "ABD 或 A、B、D"),
    ("判断题", "正确 / 错误（也可写 对、错、√、×）", "正确"),
    ("填空题", "各空之间用“|”或“；”分隔，同一空的多种写法用“/”分隔", "根本性|方向"),
    ("简答题", "参考答案全文，可换行", "（1）……（2）……"),
]
GENERAL_NOTES = [
    "1. 表头（第一行）请勿修改；列的顺序可以调整，不需要的选填列可以删除。",
    "2. 一行一题；空行会被跳过。可以有多个工作表，每个带表头的工作表都会导入。",
    "3. 同一题型的“题型”单元格可以向下合并，合并单元格的内容对所覆盖的每一行都有效。",
    "4. 导入时会逐行检查，出错的行会标明“工作表、行号、列名和原因”，修改后重新导入即可。",
    "5. 文件不能加密；旧版 .xls 文件请先在 Excel 中另存为 .xlsx。",
]

TITLE_FONT = Font(bold=True, size=14)
BOLD = Font(bold=True)
NOTE_FILL = PatternFill("solid", fgColor="F2F2F2")
WRAP = Alignment(wrap_text=True, vertical="top")


def add_validation(sheet: Worksheet, keys: list[str]) -> None:
    last = VALIDATED_ROWS + 1
    type_column = get_column_letter(keys.index("type") + 1)
    types = DataValidation(
        type="list",
        formula1='"' + ",".join(TYPE_LABELS.values()) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="题型",
        error="请从下拉列表中选择题型",
    )
    types.add(f"{type_column}2:{type_column}{last}")
    difficulty_column = get_column_letter(keys.index("difficulty") + 1)
    difficulty = DataValidation(
        type="whole",
        operator="between",
        formula1="1",
        formula2="5",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="难度",
        error="难度请填写 1～5 的整数",
    )
    difficulty.add(f"{difficulty_column}2:{difficulty_column}{last}")
    sheet.add_data_validation(types)
    sheet.add_data_validation(difficulty)


def add_instructions(workbook: Workbook) -> None:
    sheet = workbook.create_sheet("填写说明")
    sheet.column_dimensions["A"].width = 16
    sheet.column_dimensions["B"].width = 14
    sheet.column_dimensions["C"].width = 60
    sheet.column_dimensions["D"].width = 30

    sheet.append(["题库导入模板填写说明"])
    sheet["A1"].font = TITLE_FONT
    sheet.append([])
    sheet.append(["列名", "是否必填", "说明", "示例"])
    for cell in sheet[sheet.max_row]:
        cell.font = BOLD
        cell.fill = NOTE_FILL
    for row in COLUMN_NOTES:
        sheet.append(list(row))
    sheet.append([])
    sheet.append(["答案写法"])
    sheet.cell(row=sheet.max_row, column=1).font = BOLD
    sheet.append(["题型", "", "写法", "示例"])
    for cell in sheet[sheet.max_row]:
        cell.font = BOLD
        cell.fill = NOTE_FILL
    for label, rule, example in ANSWER_NOTES:
        sheet.append([label, "", rule, example])
    sheet.append([])
    sheet.append(["其他说明"])
    sheet.cell(row=sheet.max_row, column=1).font = BOLD
    for note in GENERAL_NOTES:
        sheet.append([note])
        sheet.merge_cells(
            start_row=sheet.max_row, start_column=1, end_row=sheet.max_row, end_column=4
        )
    for row in sheet.iter_rows(min_row=4):
        for cell in row:
            cell.alignment = WRAP


def make(path: Path, questions: list[ParsedQuestion]) -> None:
    workbook, sheet, keys = build_workbook(questions, option_columns=len(LETTERS))
    add_validation(sheet, keys)
    add_instructions(workbook)
    workbook.save(path)


def main() -> None:
    make(TEMPLATE, [])
    make(EXAMPLE, EXAMPLES)
    print(f"已生成 {TEMPLATE.name}、{EXAMPLE.name}")


if __name__ == "__main__":
    main()
