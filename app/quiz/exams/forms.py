"""Forms of the exam administration pages. They parse what the browser sent; the rules live
in ``app.quiz.exams.services.exams`` and friends."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

LOCAL_FORMAT = "%Y-%m-%dT%H:%M"


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ExamForm(FlaskForm):
    title = StringField(_l("考试名称"), validators=[Length(max=200)])
    kind = SelectField(_l("类型"), choices=[])
    instructions = TextAreaField(
        _l("考试说明（Markdown）"),
        validators=[Optional(), Length(max=20000)],
        render_kw={"rows": 4},
    )
    opens_at = DateTimeLocalField(_l("开始时间"), format=LOCAL_FORMAT, validators=[Optional()])
    closes_at = DateTimeLocalField(_l("结束时间"), format=LOCAL_FORMAT, validators=[Optional()])
    duration_minutes = IntegerField(_l("考试时长（分钟）"), validators=[Optional()], default=60)
    attempts_allowed = IntegerField(_l("可作答次数"), validators=[Optional()], default=1)
    pass_mark = StringField(_l("及格分（可选）"), validators=[Optional(), Length(max=12)])
    grace_seconds = IntegerField(_l("网络宽限（秒）"), validators=[Optional()], default=30)
    shuffle_questions = BooleanField(_l("打乱题目顺序"))
    shuffle_options = BooleanField(_l("打乱选项顺序"))
    assembly = SelectField(_l("组卷方式"), choices=[])
    multiple_policy = SelectField(_l("多选题计分"), choices=[])
    score_policy = SelectField(_l("成绩公布"), choices=[])
    review_policy = SelectField(_l("答案与解析"), choices=[])
    required_course = SelectField(_l("须先完成的课程"), choices=[], validate_choice=False)
    focus_loss_limit = IntegerField(_l("切屏次数上限（留空为不限制）"), validators=[Optional()])
    audience_teams = SelectMultipleField(
        _l("参考单位（含下级单位）"), choices=[], coerce=int, validate_choice=False
    )
    audience_ranks = MultiCheckboxField(_l("参考职级"), choices=[], validate_choice=False)
    audience_users = TextAreaField(
        _l("指定人员（登录名，以空格、逗号或换行分隔）"),
        validators=[Optional(), Length(max=20000)],
        render_kw={"rows": 2},
    )
    submit = SubmitField(_l("保存"))


def split_names(text: str | None) -> list[str]:
    return [part for part in re.split(r"[\s,，、;；]+", text or "") if part]


class EssayGradeForm(FlaskForm):
    score = StringField(_l("得分"), validators=[Length(max=12)])
    comment = TextAreaField(
        _l("评语"), validators=[Optional(), Length(max=2000)], render_kw={"rows": 3}
    )
    submit = SubmitField(_l("保存评分"))


class ExtendForm(FlaskForm):
    minutes = IntegerField(_l("延长（分钟）"), validators=[Optional()], default=10)
    submit = SubmitField(_l("延长"))
