"""Back-office forms: shape checks only; the services decide what is allowed."""

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Length

from portal.models import StaffUser
from portal.services.staff_accounts import MAX_PASSWORD_LENGTH
from portal.validators import NoControlCharacters


class LoginForm(FlaskForm):
    email = EmailField(
        "E-mail address", validators=[DataRequired(), Length(max=StaffUser.MAX_EMAIL), NoControlCharacters()]
    )
    password = PasswordField(
        "Password", validators=[DataRequired(), Length(max=MAX_PASSWORD_LENGTH), NoControlCharacters()]
    )


class LogoutForm(FlaskForm):
    """No fields: it carries the CSRF token so that sign-out cannot be forged by another site."""
