from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length

from ..formkit import options


class LoginForm(FlaskForm):
    username = StringField(_l("Username"), validators=[DataRequired(_l("Enter your username.")), Length(max=50)])
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Enter your password.")), Length(max=200)])


class LanguageForm(FlaskForm):
    lang = SelectField(_l("Language"), choices=options([("zh_CN", "中文"), ("en", "English")]))
