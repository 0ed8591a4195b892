"""Admin forms. Choices that come from the database (teams) are set by the view with
``app.auth.choices.team_choices``; roles and ranks come from the account services' labels."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    Form,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from app.auth.models import RANKS, ROLES, TEAM_KINDS
from app.auth.services import rank_labels, role_labels, team_kind_labels
from app.common.forms import select_choices


def _rank_choices(blank: str | None = None) -> list[SelectChoice]:
    labels = rank_labels()
    return select_choices(((r, labels[r]) for r in RANKS), blank=blank)


def _role_choices(blank: str | None = None) -> list[SelectChoice]:
    labels = role_labels()
    return select_choices(((r, labels[r]) for r in ROLES), blank=blank)


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class _UserFields(FlaskForm):
    name = StringField(_l("姓名"), validators=[DataRequired(_l("请输入姓名")), Length(max=64)])
    rank = SelectField(_l("职级"), default="other")
    team = SelectField(_l("单位"))
    email = StringField(
        _l("邮箱"), validators=[Optional(), Email(_l("邮箱格式不正确")), Length(max=255)]
    )
    phone = StringField(_l("电话"), validators=[Optional(), Length(max=32)])
    roles = MultiCheckboxField(_l("角色"), default=["cadre"])
    secretary_teams = SelectMultipleField(
        _l("负责的中心组（仅中心组秘书）"), description=_l("按住 Ctrl 可多选；含所选单位的下级")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.rank.choices = _rank_choices()
        self.roles.choices = _role_choices()


class UserCreateForm(_UserFields):
    username = StringField(
        _l("登录名"),
        validators=[DataRequired(_l("请输入登录名")), Length(max=64)],
        description=_l("工号或身份证号：字母、数字或 _ . @ -"),
    )
    password = PasswordField(
        _l("初始密码"),
        validators=[Optional(), Length(max=128)],
        description=_l("留空则自动生成；首次登录时须修改"),
    )


class UserEditForm(_UserFields):
    active = BooleanField(_l("账号在用"))


class ResetPasswordForm(FlaskForm):
    password = PasswordField(
        _l("新密码"),
        validators=[Optional(), Length(max=128)],
        description=_l("留空则自动生成；用户下次登录时须修改"),
    )


class TeamForm(FlaskForm):
    name = StringField(_l("名称"), validators=[DataRequired(_l("请输入名称")), Length(max=100)])
    parent = SelectField(_l("上级单位"))
    kind = SelectField(_l("类型"), default="team")
    sort_order = IntegerField(
        _l("排序"),
        default=0,
        validators=[Optional(), NumberRange(-9999, 9999)],
        description=_l("同级之间按数字从小到大排列"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        labels = team_kind_labels()
        self.kind.choices = select_choices((k, labels[k]) for k in TEAM_KINDS)


class UserImportForm(FlaskForm):
    file = FileField(
        _l("导入文件"), validators=[FileRequired(_l("请选择要导入的 .xlsx 或 .csv 文件"))]
    )
    password = PasswordField(
        _l("统一初始密码"),
        validators=[Optional(), Length(max=128)],
        description=_l("用于文件中没有填写初始密码的新账号；留空则为每人自动生成"),
    )
    update_existing = BooleanField(_l("更新已有账号（按登录名匹配，不修改其密码）"))
    dry_run = BooleanField(_l("仅校验，不导入"))


class UserFilterForm(Form):
    """The users list's filters (GET, no CSRF)."""

    q = StringField(_l("登录名或姓名"), validators=[Optional(), Length(max=64)])
    team = SelectField(_l("单位（含下级）"), validate_choice=False)
    role = SelectField(_l("角色"), validate_choice=False)
    rank = SelectField(_l("职级"), validate_choice=False)
    active = SelectField(_l("状态"), validate_choice=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = _role_choices(str(_l("全部角色")))
        self.rank.choices = _rank_choices(str(_l("全部职级")))
        self.active.choices = select_choices(
            [("1", str(_l("在用"))), ("0", str(_l("已停用")))], blank=str(_l("全部"))
        )


class AuditFilterForm(Form):
    """The audit log's filters (GET, no CSRF)."""

    actor = StringField(_l("操作人登录名"), validators=[Optional(), Length(max=64)])
    action = StringField(
        _l("操作"),
        validators=[Optional(), Length(max=64)],
        description=_l("前缀匹配，如 user 或 users.import"),
    )
    object_type = SelectField(_l("对象类型"), validate_choice=False)
    object_id = HiddenField(validators=[Optional(), Length(max=64)])
    since = DateField(_l("起始日期"), validators=[Optional()])
    until = DateField(_l("截止日期"), validators=[Optional()])
