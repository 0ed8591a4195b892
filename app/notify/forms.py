from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional


class PreferenceForm(FlaskForm):
    email = BooleanField(_l("同时用邮件通知我"))
    language = SelectField(_l("邮件语言"), choices=[])
    quiet_start = StringField(_l("免打扰开始（时:分）"), validators=[Optional(), Length(max=5)])
    quiet_end = StringField(_l("免打扰结束（时:分）"), validators=[Optional(), Length(max=5)])


class RobotForm(FlaskForm):
    kind = SelectField(_l("类型"), choices=[])
    name = StringField(_l("名称"), validators=[DataRequired(_l("请填写名称")), Length(max=100)])
    url = StringField(
        _l("Webhook 地址"), validators=[DataRequired(_l("请填写 Webhook 地址")), Length(max=500)]
    )
    secret = StringField(_l("签名密钥（加签，可留空）"), validators=[Optional(), Length(max=200)])


class ReminderForm(FlaskForm):
    users = HiddenField()
    message = TextAreaField(
        _l("提醒内容"), validators=[DataRequired(_l("请填写提醒内容")), Length(max=500)]
    )
    link = StringField(_l("链接（本站地址，可留空）"), validators=[Optional(), Length(max=500)])
    confirm = BooleanField()
