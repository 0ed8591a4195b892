from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length


class LoginForm(FlaskForm):
    username = StringField(_l("登录名"), validators=[DataRequired(_l("请输入登录名"))])
    password = PasswordField(_l("密码"), validators=[DataRequired(_l("请输入密码"))])
    remember = BooleanField(_l("记住我（14 天）"))


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        _l("当前密码"), validators=[DataRequired(_l("请输入当前密码"))]
    )
    new_password = PasswordField(
        _l("新密码"), validators=[DataRequired(_l("请输入新密码")), Length(max=128)]
    )
    confirm = PasswordField(
        _l("确认新密码"),
        validators=[
            DataRequired(_l("请再次输入新密码")),
            EqualTo("new_password", _l("两次输入的新密码不一致")),
        ],
    )
