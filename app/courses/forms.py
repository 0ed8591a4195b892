"""Forms of the course pages. They parse what the browser sent into plain values; the rules
live in ``app.courses.services``. Choices from the database are set by the views."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Length, NumberRange, Optional

from app.common.forms import select_choices


class ProgramForm(FlaskForm):
    title = StringField(_l("计划名称"), validators=[Length(max=200)])
    starts_on = DateField(_l("开始日期"), validators=[Optional()])
    ends_on = DateField(_l("结束日期"), validators=[Optional()])
    description = TextAreaField(_l("说明"), validators=[Optional(), Length(max=5000)])


class CourseForm(FlaskForm):
    title = StringField(_l("课程名称"), validators=[Length(max=200)])
    slug = StringField(
        _l("短名（网址用）"),
        validators=[Length(max=100)],
        description=_l(
            "用于网址和题目出处；留空则按课程名称生成拼音（如 zheng-zhi-jian-she），可随时修改"
        ),
    )
    program = SelectField(_l("所属学习计划"), choices=[])
    summary = TextAreaField(_l("课程简介（Markdown）"), validators=[Optional(), Length(max=20000)])
    hours = DecimalField(
        _l("学时"),
        places=1,
        default=0,
        validators=[
            Optional(),
            NumberRange(min=0, max=999.9, message=_l("学时须在 0 到 999.9 之间")),
        ],
    )
    sort_order = IntegerField(_l("排序"), default=0, validators=[Optional()])
    published = BooleanField(_l("已发布（学员可见）"))
    open_to_all = BooleanField(_l("公开课程（所有登录用户可学，不必布置）"))


class LessonForm(FlaskForm):
    title = StringField(_l("章节标题"), validators=[Length(max=200)])
    slug = StringField(
        _l("短名（网址用）"),
        validators=[Length(max=100)],
        description=_l("留空则按章节标题生成拼音；题目出处写作 课程短名/章节短名#锚点"),
    )
    position = IntegerField(_l("顺序"), validators=[Optional()])
    estimated_minutes = IntegerField(
        _l("预计阅读时间（分钟）"),
        default=10,
        validators=[Optional(), NumberRange(min=1, max=600, message=_l("须在 1 到 600 分钟之间"))],
    )
    body = TextAreaField(
        _l("正文（Markdown）"),
        validators=[Optional(), Length(max=200_000)],
        render_kw={"rows": 20},
        description=_l("标题可带锚点，如“## 理论中心组学习 {#centre-group}”，题目出处链接到这里"),
    )


class AttachmentForm(FlaskForm):
    file = FileField(_l("文件"), validators=[FileRequired(_l("请选择要上传的文件"))])
    lesson = SelectField(_l("所属章节"), choices=[])
    role = SelectField(
        _l("用途"),
        choices=select_choices([("file", _l("课程附件")), ("cover", _l("课程封面"))]),
        default="file",
    )


class AssignmentForm(FlaskForm):
    target = RadioField(
        _l("布置对象"),
        choices=select_choices(
            [("team", _l("单位（含下级）")), ("rank", _l("职级")), ("user", _l("点名学员"))]
        ),
        default="team",
    )
    team = SelectField(_l("单位"), choices=[])
    rank = SelectField(_l("职级"), choices=[])
    username = StringField(
        _l("学员姓名或登录名"),
        validators=[Optional(), Length(max=64)],
        description=_l("点名调训时填写，如“何平”；同名时再从列表中选定"),
    )
    # filled when the name above fits more than one person: pick one (namesakes by unit)
    person = RadioField(_l("选择学员"), choices=[], validate_choice=False)
    kind = SelectField(_l("学习方式"), choices=[])
    due_on = DateField(_l("截止日期"), validators=[Optional()])
    required = BooleanField(_l("必修"), default=True)
    note = StringField(_l("备注"), validators=[Optional(), Length(max=500)])


class NoteForm(FlaskForm):
    body = TextAreaField(
        _l("我的笔记（仅自己可见）"),
        validators=[Optional(), Length(max=10000)],
        render_kw={"rows": 5},
    )


class SearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("搜索课程内容"), validators=[Optional(), Length(max=200)])
