"""Forms of the centre-group pages. They parse what the browser sent; the rules live in
``app.checkin.services``. Choices from the database are set by the views."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    DecimalField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from app.common.forms import select_choices

LOCAL_FORMAT = ["%Y-%m-%dT%H:%M"]


class PlanItemForm(FlaskForm):
    month = SelectField(
        _l("月份"), choices=select_choices((str(m), str(m)) for m in range(1, 13)), default="1"
    )
    topic = StringField(_l("学习主题"), validators=[Length(max=200)])
    kind = SelectField(_l("学习形式"), choices=[])
    lead_user = SelectField(_l("计划领学人"), choices=[], default="")
    materials = TextAreaField(
        _l("学习材料"),
        validators=[Optional(), Length(max=5000)],
        description=_l("文件题目或书名，每行一项；课程章节在下面选择"),
    )
    lessons = SelectMultipleField(
        _l("课程章节"),
        choices=[],
        validate_choice=False,  # the service names a lesson that is not there
        description=_l("已发布课程中的章节，可多选"),
    )
    reason = StringField(
        _l("修改原因"),
        validators=[Optional(), Length(max=500)],
        description=_l("计划已备案，修改会记入备案记录并重新报送"),
    )


class ReasonForm(FlaskForm):
    reason = StringField(_l("原因"), validators=[Optional(), Length(max=500)])


class ReviewForm(FlaskForm):
    text = TextAreaField(_l("意见"), validators=[Optional(), Length(max=2000)])


class SessionForm(FlaskForm):
    kind = SelectField(_l("学习形式"), choices=[])
    plan_item = SelectField(_l("对应计划项目"), choices=[], default="")
    topic = StringField(
        _l("学习主题"),
        validators=[Length(max=200)],
        description=_l("选择了计划项目时可以留空，沿用计划中的主题"),
    )
    starts_at = DateTimeLocalField(
        _l("开始时间"), format=LOCAL_FORMAT, validators=[InputRequired(_l("请填写开始时间"))]
    )
    ends_at = DateTimeLocalField(
        _l("结束时间"), format=LOCAL_FORMAT, validators=[InputRequired(_l("请填写结束时间"))]
    )
    place = StringField(_l("地点"), validators=[Optional(), Length(max=200)])
    hours = DecimalField(
        _l("计入学时"),
        places=1,
        default=0,
        validators=[
            Optional(),
            NumberRange(min=0, max=99.9, message=_l("学时须在 0 到 99.9 之间")),
        ],
    )
    materials = TextAreaField(_l("学习材料"), validators=[Optional(), Length(max=5000)])
    lessons = SelectMultipleField(
        _l("课程章节"),
        choices=[],
        validate_choice=False,  # the service names a lesson that is not there
        description=_l("已发布课程中的章节，可多选；选择了计划项目时可以留空，沿用计划中的章节"),
    )
    minutes = TextAreaField(
        _l("学习纪要（Markdown）"),
        validators=[Optional(), Length(max=100_000)],
        render_kw={"rows": 8},
    )


class SpeakerForm(FlaskForm):
    speaker = SelectField(_l("发言人"), choices=[], default="")
    role = SelectField(_l("发言类型"), choices=[])
    title = StringField(_l("发言题目"), validators=[Length(max=200)])
    outline = TextAreaField(_l("发言提纲"), validators=[Optional(), Length(max=10_000)])
    outline_file = FileField(
        _l("发言提纲附件"),
        description=_l("可选：PDF、Word（.docx）、纯文本（.txt）、PNG 或 JPEG"),
    )


class MeasureForm(FlaskForm):
    what = StringField(_l("落实措施"), validators=[Length(max=500)])
    owner = SelectField(_l("责任人"), choices=[], default="")
    due_on = DateField(_l("完成时限"), validators=[Optional()])


class MeasureStatusForm(FlaskForm):
    status = SelectField(_l("状态"), choices=[])


class MarkForm(FlaskForm):
    user = HiddenField()
    status = SelectField(_l("出勤"), choices=[])
    late = BooleanField(_l("迟到"))
    reason = StringField(_l("事由"), validators=[Optional(), Length(max=500)])


class CheckinForm(FlaskForm):
    code = StringField(
        _l("签到码"),
        validators=[Optional(), Length(max=20)],
        render_kw={"inputmode": "numeric", "autocomplete": "off", "autofocus": True},
    )


class ConfirmForm(FlaskForm):
    """A button that acts: only the CSRF token."""


class ReflectionForm(FlaskForm):
    title = StringField(_l("标题"), validators=[Length(max=200)])
    material = StringField(
        _l("学习材料"),
        validators=[Optional(), Length(max=300)],
        description=_l("课程章节、书名或文章题目"),
    )
    body = TextAreaField(
        _l("心得体会"), validators=[Optional(), Length(max=20_000)], render_kw={"rows": 12}
    )


class SelfStudyForm(FlaskForm):
    studied_on = DateField(_l("学习日期"), validators=[Optional()])
    minutes = IntegerField(_l("学习时长（分钟）"), validators=[Optional()])
    material_kind = SelectField(_l("学习材料"), choices=[], default="book")
    lesson = SelectField(_l("课程章节"), choices=[], default="")
    title = StringField(_l("书名或文章题目"), validators=[Optional(), Length(max=300)])
    url = StringField(_l("链接"), validators=[Optional(), Length(max=1000)])


class LectureForm(FlaskForm):
    member = SelectField(_l("主讲人"), choices=[], default="")
    given_on = DateField(_l("讲授日期"), validators=[Optional()])
    branch = StringField(_l("党支部"), validators=[Optional(), Length(max=200)])
    topic = StringField(_l("党课题目"), validators=[Optional(), Length(max=200)])
    audience = IntegerField(_l("听课人数"), validators=[Optional()])


class QuotaForm(FlaskForm):
    attendance_percent = IntegerField(_l("出勤率不低于（%）"), validators=[Optional()])
    reflections = IntegerField(_l("心得体会不少于（篇）"), validators=[Optional()])
    lectures = IntegerField(_l("讲党课不少于（次）"), validators=[Optional()])
    self_study_minutes = IntegerField(_l("自学时长不少于（分钟）"), validators=[Optional()])
    reflection_min_chars = IntegerField(_l("每篇心得体会不少于（字）"), validators=[Optional()])


class StudyTestForm(FlaskForm):
    source = SelectField(_l("题库与知识点"), choices=[], default="")
    qtype = SelectField(_l("题型"), choices=[], default="single")
    count = IntegerField(_l("题数"), default=5, validators=[Optional()])
    points_each = DecimalField(_l("每题分值"), places=1, default=20, validators=[Optional()])
    duration_minutes = IntegerField(_l("答题时长（分钟）"), default=15, validators=[Optional()])
    closes_at = DateTimeLocalField(
        _l("截止时间"), format=LOCAL_FORMAT, validators=[InputRequired(_l("请填写截止时间"))]
    )
    pass_mark = DecimalField(_l("及格分"), places=1, validators=[Optional()])
