"""Resident-facing forms: shape checks only; the services decide the rest."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateTimeLocalField,
    DecimalField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    MultipleFileField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp

from portal.models import Report, ReportItem, Tip, TipMessage
from portal.local_time import DATETIME_FORMATS
from portal.validators import FiniteNumber, NoNul

TIP_NUMBER_MAX = 40
PASSPHRASE_MAX = 200


def required(message: str) -> DataRequired:
    return DataRequired(message=message)


class TipForm(FlaskForm):
    category = SelectField(_l("What is your tip about?"),
                           validators=[required(_l("Please choose what the tip is about."))])
    description = TextAreaField(
        _l("What happened?"),
        validators=[required(_l("Please tell us what happened.")), Length(max=Tip.MAX_DESCRIPTION), NoNul()],
    )
    when_text = StringField(_l("When did it happen? (optional)"), validators=[Length(max=Tip.MAX_WHEN), NoNul()])
    where_text = StringField(_l("Where did it happen? (optional)"), validators=[Length(max=Tip.MAX_WHERE), NoNul()])
    latitude = DecimalField(_l("Latitude (optional)"), places=6,
                            validators=[Optional(), FiniteNumber(), NumberRange(min=-90, max=90)])
    longitude = DecimalField(_l("Longitude (optional)"), places=6,
                             validators=[Optional(), FiniteNumber(), NumberRange(min=-180, max=180)])
    attachments = MultipleFileField(_l("Photos, videos or documents (optional)"))
    contact_name = StringField(_l("Your name"), validators=[Length(max=Tip.MAX_CONTACT_NAME), NoNul()])
    contact_phone = StringField(_l("Your phone number"), validators=[Length(max=Tip.MAX_CONTACT_PHONE), NoNul()])
    contact_email = StringField(_l("Your e-mail address"), validators=[Length(max=Tip.MAX_CONTACT_EMAIL), NoNul()])
    terms_version = HiddenField(validators=[Length(max=20)])
    form_token = HiddenField(validators=[Length(max=300)])
    # The appeal the tipster came from ("I have information" on a notice); read leniently.
    notice = HiddenField(validators=[Length(max=12)])
    # Hidden from people by the stylesheet; a bot that fills every field fills this one too.
    website = StringField(_l("Leave this field empty"), validators=[Length(max=200)])


class TipCheckForm(FlaskForm):
    tip_number = StringField(_l("Tip number"), validators=[required(_l("Please enter your tip number.")),
                                                           Length(max=TIP_NUMBER_MAX), NoNul()])
    passphrase = StringField(_l("Passphrase"), validators=[required(_l("Please enter your passphrase.")),
                                                           Length(max=PASSPHRASE_MAX), NoNul()],
                             render_kw={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"})


class TipMessageForm(FlaskForm):
    tip_number = HiddenField(validators=[Length(max=TIP_NUMBER_MAX), NoNul()])
    passphrase = HiddenField(validators=[Length(max=PASSPHRASE_MAX), NoNul()])
    body = TextAreaField(_l("Add information"), validators=[Length(max=TipMessage.MAX_BODY), NoNul()])
    attachments = MultipleFileField(_l("Add photos, videos or documents (optional)"))


YES_NO = [SelectChoice("yes", _l("Yes")), SelectChoice("no", _l("No"))]
EMAIL_SHAPE = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


def yes_no(label: str) -> RadioField:
    return RadioField(label, choices=YES_NO, validators=[required(_l("Please answer yes or no."))])


class ReportScreeningForm(FlaskForm):
    emergency = yes_no(_l("Is anyone in danger right now, or is the crime still happening?"))
    place = SelectField(_l("Where did it happen?"), validators=[required(_l("Please choose where it happened."))])
    zip_code = StringField(_l("ZIP code where it happened (optional)"),
                           validators=[Optional(), Regexp(r"^\d{5}(-\d{4})?$",
                                                          message=_l("Please give a 5-digit ZIP code."))])
    known_suspect = yes_no(_l("Do you know who did it, or could you describe them?"))
    evidence = yes_no(_l("Is there evidence an officer should collect, such as fingerprints, video or items left "
                         "behind?"))
    injury = yes_no(_l("Was anyone hurt?"))
    weapon = yes_no(_l("Was a gun or other weapon involved, or was a firearm stolen?"))
    loss_over_limit = yes_no(_l("Is the total value lost or damaged more than the limit shown?"))
    adult = yes_no(_l("Are you 18 or older, or a parent or guardian reporting for a child?"))


class ItemForm(Form):
    """One row of property; a plain Form, since only the outer form carries a CSRF token."""

    description = StringField(_l("Item"), validators=[Length(max=ReportItem.MAX_TEXT), NoNul()])
    brand = StringField(_l("Brand"), validators=[Length(max=ReportItem.MAX_TEXT), NoNul()])
    serial_number = StringField(_l("Serial number"), validators=[Length(max=ReportItem.MAX_TEXT), NoNul()])
    value = DecimalField(_l("Value ($)"), places=2, validators=[Optional(), FiniteNumber(), NumberRange(min=0)])


def detail(label: str, max_length: int = Report.MAX_DETAIL) -> StringField:
    return StringField(label, validators=[Length(max=max_length), NoNul()])


class ReportForm(FlaskForm):
    # InputRequired, not DataRequired: a date typed in a wrong shape must say so, not "missing".
    occurred_from = DateTimeLocalField(_l("When did it happen, or start?"), format=DATETIME_FORMATS,
                                       validators=[InputRequired(_l("Please give the date and time."))])
    occurred_to = DateTimeLocalField(_l("Until when? (optional, if you are not sure exactly when)"),
                                     format=DATETIME_FORMATS, validators=[Optional()])
    location = StringField(_l("Where did it happen?"), validators=[required(_l("Please say where it happened.")),
                                                                   Length(max=Report.MAX_LOCATION), NoNul()])
    narrative = TextAreaField(_l("What happened?"), validators=[required(_l("Please describe what happened.")),
                                                                Length(max=Report.MAX_NARRATIVE), NoNul()])
    items = FieldList(FormField(ItemForm), min_entries=3, max_entries=5)
    vehicle_year = detail(_l("Year"), 10)
    vehicle_make = detail(_l("Make"), 60)
    vehicle_model = detail(_l("Model"), 60)
    vehicle_colour = detail(_l("Colour"), 40)
    vehicle_plate = detail(_l("Licence plate"), 20)
    vehicle_plate_state = detail(_l("Plate state"), 20)
    amount_lost = DecimalField(_l("Money lost ($)"), places=2,
                               validators=[Optional(), FiniteNumber(), NumberRange(min=0)])
    payment_method = detail(_l("How was the money paid or taken? (card, gift card, wire, cash...)"))
    offender_contact = detail(_l("How did they contact you? (phone number, website, e-mail, profile)"))
    accounts_affected = TextAreaField(_l("Which accounts, cards or services were opened or used in your name?"),
                                      validators=[Length(max=Report.MAX_DETAIL), NoNul()])
    caller_numbers = detail(_l("Numbers, accounts or addresses the calls or messages came from"))
    times_contacted = detail(_l("How often, and since when?"))
    attachments = MultipleFileField(_l("Photos or documents (optional)"))
    reporter_name = StringField(_l("Your full name"), validators=[required(_l("Please give your name.")),
                                                                  Length(max=Report.MAX_NAME), NoNul()])
    reporter_email = StringField(_l("Your e-mail address"), validators=[
        required(_l("Please give your e-mail address.")), Length(max=Report.MAX_EMAIL),
        Regexp(EMAIL_SHAPE, message=_l("Please give an e-mail address like name@example.org.")), NoNul()])
    reporter_phone = StringField(_l("Your phone number"), validators=[required(_l("Please give a phone number.")),
                                                                      Length(max=Report.MAX_PHONE), NoNul()])
    reporter_address = StringField(_l("Your home address"), validators=[required(_l("Please give your address.")),
                                                                        Length(max=Report.MAX_ADDRESS), NoNul()])
    terms_version = HiddenField(validators=[Length(max=20)])
    screening = HiddenField(validators=[Length(max=500)])


# The type-specific fields of each report section, stored in Report.details.
SECTION_FIELDS = {
    "vehicle": ["vehicle_year", "vehicle_make", "vehicle_model", "vehicle_colour", "vehicle_plate",
                "vehicle_plate_state"],
    "financial": ["amount_lost", "payment_method", "offender_contact"],
    "identity": ["accounts_affected"],
    "harassment": ["caller_numbers", "times_contacted"],
}


class ReportLookupForm(FlaskForm):
    reference = StringField(_l("Report reference"), validators=[required(_l("Please enter the reference.")),
                                                                Length(max=TIP_NUMBER_MAX), NoNul()])
    email = StringField(_l("Your e-mail address"), validators=[required(_l("Please enter your e-mail address.")),
                                                               Length(max=Report.MAX_EMAIL), NoNul()])


class ReportAnswerForm(FlaskForm):
    reference = HiddenField(validators=[Length(max=TIP_NUMBER_MAX), NoNul()])
    email = HiddenField(validators=[Length(max=Report.MAX_EMAIL), NoNul()])
    answer = TextAreaField(_l("Your answer"), validators=[required(_l("Please write your answer.")),
                                                          Length(max=Report.MAX_NARRATIVE), NoNul()])
