"""Back-office forms: shape checks only; the services decide what is allowed."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    EmailField,
    FileField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

from portal.exceptions import InvalidInput
from portal.local_time import DATETIME_FORMATS
from portal.models import (LegalHold, Notice, NoticeEvent, PreventionCategory, PreventionTip, RedactionMark,
                           RetentionRule, StaffRole, StaffUser, Unit)
from portal.services import notices
from portal.services.staff_accounts import MAX_PASSWORD_LENGTH
from portal.validators import NoControlCharacters, NoNul


def password_field(label: str) -> PasswordField:
    return PasswordField(label, validators=[DataRequired(), Length(max=MAX_PASSWORD_LENGTH), NoControlCharacters()])


def show_service_error(form: FlaskForm, error: InvalidInput, default: str) -> None:
    """A service's refusal, next to the field it names, or next to ``default`` when the form has no
    such field: the form comes back with what was typed and the message where it belongs."""
    form[error.field if error.field in form else default].errors.append(str(error))


def refusals_in_words(form: FlaskForm) -> str:
    """Every error of a form in one line, for a form whose answer is a message on another page."""
    return " ".join(str(error) for errors in form.errors.values() for error in errors)


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


class QueueFilterForm(FlaskForm):
    """Read from the query string; a GET form needs no CSRF token."""

    class Meta:
        csrf = False

    kind = SelectField("Kind", choices=[SelectChoice("", "Tips and reports"), SelectChoice("tip", "Tips"),
                                        SelectChoice("report", "Reports")], validate_choice=False)
    state = SelectField("State", choices=[SelectChoice("open", "Open"), SelectChoice("closed", "Closed"),
                                          SelectChoice("", "All")], validate_choice=False)
    # NUL reaches the database in the query, which PostgreSQL refuses: it is refused here instead.
    category = StringField("Category", validators=[Length(max=60), NoNul()])
    unit = SelectField("Unit", coerce=int, validate_choice=False)
    assignee = SelectField("Assigned to", coerce=int, validate_choice=False)
    search = StringField("Search the text", validators=[Length(max=200), NoNul()])
    overdue = SelectField("Deadline", choices=[SelectChoice("", "Any"), SelectChoice("yes", "Overdue only")],
                          validate_choice=False)
    sort = SelectField("Order", choices=[SelectChoice("oldest", "Oldest first"), SelectChoice("newest", "Newest first"),
                                         SelectChoice("urgent", "Most urgent first (nearest deadline)")],
                       validate_choice=False)
    page = IntegerField("Page", validators=[Optional(), NumberRange(min=1, max=100_000)])


class NoteForm(FlaskForm):
    # Its own id: a tip's page also has the reply form, whose field is named body too.
    body = TextAreaField("Internal note (never shown to the tipster or reporter)", id="note_body",
                         validators=[DataRequired(), Length(max=10_000)])


class RerouteForm(FlaskForm):
    unit_id = SelectField("Unit", coerce=int)
    assignee_id = SelectField("Person (optional)", coerce=int)


class RuleForm(FlaskForm):
    name = StringField("Rule name", validators=[DataRequired(), Length(max=120), NoControlCharacters()])
    kind = SelectField("Kind", choices=[SelectChoice("", "Tips and reports"), SelectChoice("tip", "Tips"),
                                        SelectChoice("report", "Reports")])
    category = StringField("Category or report type (optional)", validators=[Length(max=60), NoControlCharacters()])
    keywords = StringField("Keywords, comma-separated (optional)", validators=[Length(max=500), NoControlCharacters()])
    places = StringField("Place names or ZIP codes, comma-separated (optional)",
                         validators=[Length(max=500), NoControlCharacters()])
    area_id = SelectField("Area (optional)", coerce=int, validate_choice=False)
    unit_name = StringField("Send to unit", validators=[DataRequired(), Length(max=80), NoControlCharacters()])
    assign_to_member = BooleanField("Assign to the member with the fewest open items")


class RuleToggleForm(FlaskForm):
    """Enable or disable: carries only the CSRF token; the URL names the rule."""


class StateForm(FlaskForm):
    """Close or reopen: carries only the CSRF token; the URL says which."""


class TipReplyForm(FlaskForm):
    body = TextAreaField("Message to the tipster (they read it when they check on the tip)",
                         validators=[Length(max=10_000)])
    status = SelectField("Public status", choices=[SelectChoice("", "Leave as it is"),
                                                   SelectChoice("received", "Received"),
                                                   SelectChoice("under_review", "Under review"),
                                                   SelectChoice("closed", "Closed")])
    public_message = TextAreaField("Public status message (optional)", validators=[Length(max=10_000)])


class ReportDecisionForm(FlaskForm):
    decision = SelectField("Decision", choices=[SelectChoice("under_review", "Start review"),
                                                SelectChoice("approved", "Approve: open an official case"),
                                                SelectChoice("rejected", "Reject (give the reason)"),
                                                SelectChoice("more_info_needed", "Ask the reporter for more information")])
    case_number = StringField("Official case number (to approve)", validators=[Length(max=40)])
    message = TextAreaField("Reason or question (the reporter reads it)", validators=[Length(max=10_000)])


class PlacementForm(FlaskForm):
    role = SelectField("Role", choices=[SelectChoice(role.value, role.value.capitalize()) for role in StaffRole])
    unit = StringField("Unit", validators=[Length(max=Unit.MAX_NAME), NoControlCharacters()])


class AreaForm(FlaskForm):
    name = StringField("Area name", validators=[DataRequired(), Length(max=80), NoControlCharacters()])
    places = StringField("Place names or ZIP codes, comma-separated", validators=[Length(max=500), NoControlCharacters()])
    outline = TextAreaField("Outline (optional): corners as latitude,longitude separated by semicolons, "
                            "or a GeoJSON Polygon", validators=[Length(max=50_000), NoControlCharacters()])


class AreaRemovalForm(FlaskForm):
    """A button and its CSRF token."""


class UnitNameForm(FlaskForm):
    name = StringField("New name", validators=[DataRequired(), Length(max=Unit.MAX_NAME), NoControlCharacters()])


class UnitRemovalForm(FlaskForm):
    successor = SelectField("Move its members, rules and submissions to", coerce=int, validate_choice=False)

    def offer_successors(self, unit: Unit, units: list[Unit]) -> UnitRemovalForm:
        self.successor.choices = [SelectChoice(0, "(nothing to move)")] + [
            SelectChoice(other.id, other.name) for other in units if other.id != unit.id]
        return self


def cap_choices(values: tuple[str, ...]) -> list[SelectChoice]:
    return [SelectChoice("", "(not an emergency)")] + [SelectChoice(value, value) for value in values]


class NoticeForm(FlaskForm):
    notice_type = SelectField("Kind of notice", choices=[
        SelectChoice(kind.value, name) for kind, name in notices.TYPE_NAMES.items()])
    title = StringField("Title", validators=[DataRequired(), Length(max=Notice.MAX_TITLE), NoControlCharacters()])
    summary = TextAreaField("Summary (plain text; what feeds and shared posts show)",
                            validators=[DataRequired(), Length(max=Notice.MAX_SUMMARY), NoControlCharacters()])
    body = TextAreaField("Full text (optional)", validators=[Length(max=Notice.MAX_BODY), NoNul()])
    starts_at = DateTimeLocalField("Starts (local time)", format=DATETIME_FORMATS, validators=[DataRequired()])
    expires_at = DateTimeLocalField("Expires (local time); it leaves the public list by itself then",
                                    format=DATETIME_FORMATS, validators=[DataRequired()])
    area_id = SelectField("Area affected", coerce=int, validate_choice=False)
    places = StringField("Places affected (streets, parks, neighbourhoods)",
                         validators=[Length(max=Notice.MAX_PLACES), NoControlCharacters()])
    image = FileField("Picture (optional): a photo of the missing person, a map of the closure...")
    image_alt = StringField("Describe the picture for people who cannot see it",
                            validators=[Length(max=Notice.MAX_IMAGE_ALT), NoControlCharacters()])
    remove_image = BooleanField("Remove the current picture")
    severity = SelectField("Severity (emergencies)", choices=cap_choices(notices.SEVERITIES))
    urgency = SelectField("Urgency (emergencies)", choices=cap_choices(notices.URGENCIES))
    certainty = SelectField("Certainty (emergencies)", choices=cap_choices(notices.CERTAINTIES))


class NoticeUpdateForm(NoticeForm):
    note = StringField("What changed, in a line the public will read (\"Road reopened\")",
                       validators=[DataRequired(), Length(max=NoticeEvent.MAX_NOTE), NoControlCharacters()])
    override_reason = TextAreaField("If the policy check warns: why it may go out anyway (supervisors)",
                                    validators=[Length(max=NoticeEvent.MAX_NOTE), NoControlCharacters()])


class PublishForm(FlaskForm):
    override_reason = TextAreaField("If the policy check warns: why it may go out anyway (supervisors)",
                                    validators=[Length(max=NoticeEvent.MAX_NOTE), NoControlCharacters()])


class NoticeNoteForm(FlaskForm):
    """Returning a notice to its author, or cancelling it: one line of why."""

    note = StringField("Why", validators=[DataRequired(), Length(max=NoticeEvent.MAX_NOTE), NoControlCharacters()])


class PreventionTipForm(FlaskForm):
    category_id = SelectField("Category", coerce=int, validate_choice=False)
    new_category = StringField("Or a new category", validators=[Length(max=PreventionCategory.MAX_NAME),
                                                                 NoControlCharacters()])
    title = StringField("Title", validators=[DataRequired(), Length(max=PreventionTip.MAX_TITLE),
                                             NoControlCharacters()])
    summary = TextAreaField("Summary (plain text; what shared posts show)",
                            validators=[DataRequired(), Length(max=PreventionTip.MAX_SUMMARY), NoControlCharacters()])
    body = TextAreaField("Full text", validators=[Length(max=PreventionTip.MAX_BODY), NoNul()])
    override_reason = TextAreaField("If the policy check warns: why it may go out anyway (supervisors)",
                                    validators=[Length(max=NoticeEvent.MAX_NOTE), NoControlCharacters()])


class IncidentImportForm(FlaskForm):
    """A records-system export for the public crime data; the layout comes from its header."""

    file = FileField("Export from the records system (CSV)",
                     validators=[FileRequired("Choose the CSV file to import.")])
    mapping = FileField("Mapping file (optional, JSON or TOML): for a layout the portal does not know",
                        validators=[FileAllowed(["json", "toml"], "A mapping file ends in .json or .toml.")])
    dry_run = BooleanField("Dry run: report what would change, and change nothing")


class RetentionRuleForm(FlaskForm):
    period_days = IntegerField("Period in days (blank: never purged automatically)",
                               validators=[Optional(), NumberRange(min=1, max=RetentionRule.MAX_PERIOD_DAYS)])
    citation = TextAreaField("Records-law citation", validators=[
        DataRequired("Give the records-law authority for this period."), Length(max=RetentionRule.MAX_CITATION),
        NoControlCharacters()])


class HoldForm(FlaskForm):
    reason = TextAreaField("Reason", validators=[DataRequired("Give the reason."), Length(max=LegalHold.MAX_REASON),
                                                 NoNul()])


class RedactionMarkForm(FlaskForm):
    marked_text = TextAreaField("Text to redact from public records exports (copy it exactly as written)",
                         validators=[DataRequired("Type or paste the text to redact."),
                                     Length(max=RedactionMark.MAX_TEXT), NoNul()])
    mark_reason = StringField("Why it must be redacted (the export lists this)",
                         validators=[DataRequired("Say why it must be redacted."),
                                     Length(max=RedactionMark.MAX_REASON), NoControlCharacters()])


class DisclosureExportForm(FlaskForm):
    requester = StringField("Requester's name or the request's reference",
                            validators=[DataRequired("Name the requester or the request's reference."),
                                        Length(max=200), NoControlCharacters()])
    include_attachments = BooleanField("Include the attachments (the cleaned stored files)", default=True)
    include_notes = BooleanField("Include staff internal notes (redacted like the rest)")


class DisclosureSetForm(DisclosureExportForm):
    kind = SelectField("Kind", choices=[SelectChoice("", "Tips and reports"), SelectChoice("tip", "Tips"),
                                        SelectChoice("report", "Reports")], default="")
    category = StringField("Category or report type (optional)", validators=[Length(max=60), NoControlCharacters()])
    received_from = DateField("Received on or after (local day, optional)", validators=[Optional()])
    received_to = DateField("Received on or before (local day, optional)", validators=[Optional()])
