"""Back-office forms: shape checks only; the services decide what is allowed."""

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Regexp

from portal.models import StaffRole, StaffUser, Unit
from portal.services.staff_accounts import MAX_PASSWORD_LENGTH
from portal.validators import NoControlCharacters


def password_field(label: str) -> PasswordField:
    return PasswordField(label, validators=[DataRequired(), Length(max=MAX_PASSWORD_LENGTH), NoControlCharacters()])


class LoginForm(FlaskForm):
    email = EmailField(
        "E-mail address", validators=[DataRequired(), Length(max=StaffUser.MAX_EMAIL), NoControlCharacters()]
    )
    password = password_field("Password")


class CodeForm(FlaskForm):
    code = StringField("6-digit code from your authenticator app",
                       validators=[DataRequired(), Regexp(r"^\s*\d{3}\s?\d{3}\s*$", message="Enter the 6 digits.")],
                       render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"})


class LogoutForm(FlaskForm):
    """No fields: it carries the CSRF token so that sign-out cannot be forged by another site."""


class PasswordChangeForm(FlaskForm):
    current_password = password_field("Current password")
    new_password = password_field("New password (at least 12 characters; a passphrase of several words works well)")


class AccountForm(FlaskForm):
    email = EmailField("E-mail address", validators=[DataRequired(), Length(max=StaffUser.MAX_EMAIL),
                                                     NoControlCharacters()])
    display_name = StringField("Name shown on everything they do", validators=[
        DataRequired(), Length(max=StaffUser.MAX_DISPLAY_NAME), NoControlCharacters()])
    role = SelectField("Role", choices=[SelectChoice(role.value, role.value.capitalize()) for role in StaffRole])
    unit = StringField("Unit (optional)", validators=[Length(max=Unit.MAX_NAME), NoControlCharacters()])
    password = password_field("First password (they sign in with it, then enroll their authenticator app)")


class ActiveForm(FlaskForm):
    """Activate or deactivate: carries only the CSRF token; the URL names the account."""
