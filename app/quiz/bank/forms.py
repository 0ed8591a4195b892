"""Forms of the question-bank pages. They parse what the browser sent into plain values;
the rules live in ``app.quiz.services``."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import Length, Optional

from app.common.errors import DomainError
from app.common.forms import select_choices
from app.quiz.bank.importers.base import LETTERS
from app.quiz.bank.services.banks import purpose_labels

OPTION_FIELDS = tuple(f"option_{letter.lower()}" for letter in LETTERS)


class BankForm(FlaskForm):
    name = StringField(_l("题库名称"), validators=[Length(max=100)])
    description = TextAreaField(_l("说明"), validators=[Optional(), Length(max=2000)])
    purpose = SelectField(
        _l("用途"),
        choices=[],
        default="both",
        description=_l("仅用于考试的题库不进入练习和每日答题；仅用于练习的题库不能组卷。"),
    )
    submit = SubmitField(_l("保存"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.purpose.choices = list(purpose_labels().items())


class CategoryForm(FlaskForm):
    name = StringField(_l("知识点名称"), validators=[Length(max=100)])
    parent = SelectField(_l("上级知识点"), choices=[], validate_choice=True)
    submit = SubmitField(_l("添加知识点"))


class QuestionForm(FlaskForm):
    type = SelectField(_l("题型"), choices=[])
    title = StringField(_l("标题（可选）"), validators=[Optional(), Length(max=200)])
    stem = TextAreaField(_l("题干（Markdown）"), render_kw={"rows": 5})
    option_a = StringField(_l("选项 A"))
    option_b = StringField(_l("选项 B"))
    option_c = StringField(_l("选项 C"))
    option_d = StringField(_l("选项 D"))
    option_e = StringField(_l("选项 E"))
    option_f = StringField(_l("选项 F"))
    option_g = StringField(_l("选项 G"))
    option_h = StringField(_l("选项 H"))
    answer = TextAreaField(_l("答案"), render_kw={"rows": 2})
    explanation = TextAreaField(_l("解析（Markdown）"), render_kw={"rows": 4})
    difficulty = SelectField(
        _l("难度"), choices=select_choices((str(n), str(n)) for n in range(1, 6)), default="3"
    )
    points = StringField(_l("分值（可选）"), validators=[Optional(), Length(max=12)])
    category = SelectField(_l("知识点"), choices=[])
    source = StringField(_l("出处"), validators=[Optional(), Length(max=1000)])
    source_lesson = StringField(_l("关联课时"), validators=[Optional(), Length(max=255)])
    tags = StringField(_l("标签"), validators=[Optional(), Length(max=500)])
    preview = SubmitField(_l("预览"))
    submit = SubmitField(_l("保存"))

    def option_fields(self):
        return [getattr(self, name) for name in OPTION_FIELDS]

    def options(self) -> list[str]:
        """The filled options, A first; a gap (C filled, B empty) is an error on B."""
        values = [(f.data or "").strip() for f in self.option_fields()]
        while values and not values[-1]:
            values.pop()
        for name, value in zip(OPTION_FIELDS, values, strict=False):
            if not value:
                raise DomainError(str(_l("选项须从 A 起依次填写，不能跳过")), name)
        return values


class ImportForm(FlaskForm):
    file = FileField(_l("题库文件"), validators=[FileRequired(_l("请选择要导入的文件"))])
    bank = SelectField(_l("导入到题库"), choices=[])
    new_bank = StringField(_l("或新建题库"), validators=[Optional(), Length(max=100)])
    format = SelectField(_l("文件格式"), choices=[])
    on_duplicate = SelectField(
        _l("题库中已有的相同题目"),
        choices=select_choices(
            [
                ("skip", _l("跳过")),
                ("update", _l("用文件中的内容更新")),
                ("refuse", _l("拒绝导入（文件内或题库中有重复即整份拒绝）")),
            ]
        ),
        default="skip",
    )
    skip_invalid = BooleanField(_l("跳过有问题的题目，导入其余有效的题目（生成跳过报告）"))
    submit = SubmitField(_l("上传并预览"))


class FilterForm(FlaskForm):
    """The question list's filters (GET, no CSRF)."""

    class Meta:
        csrf = False

    q = StringField(_l("题干包含"), validators=[Optional(), Length(max=100)])
    type = SelectField(_l("题型"), choices=[])
    difficulty = SelectField(
        _l("难度"),
        choices=select_choices(((str(n), str(n)) for n in range(1, 6)), blank=_l("全部难度")),
    )
    category = SelectField(_l("知识点"), choices=[])
    status = SelectField(_l("状态"), choices=[])
