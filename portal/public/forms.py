"""Resident-facing forms: shape checks only; the services decide the rest."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DecimalField, HiddenField, MultipleFileField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from portal.models import Tip, TipMessage
from portal.validators import FiniteNumber, NoNul

TIP_NUMBER_MAX = 40
PASSPHRASE_MAX = 200


def required(message: str) -> DataRequired:
    return DataRequired(message=message)


class TipForm(FlaskForm):
    category = SelectField("What is your tip about?", validators=[required("Please choose what the tip is about.")])
    description = TextAreaField(
        "What happened?",
        validators=[required("Please tell us what happened."), Length(max=Tip.MAX_DESCRIPTION), NoNul()],
    )
    when_text = StringField("When did it happen? (optional)", validators=[Length(max=Tip.MAX_WHEN), NoNul()])
    where_text = StringField("Where did it happen? (optional)", validators=[Length(max=Tip.MAX_WHERE), NoNul()])
    latitude = DecimalField("Latitude (optional)", places=6,
                            validators=[Optional(), FiniteNumber(), NumberRange(min=-90, max=90)])
    longitude = DecimalField("Longitude (optional)", places=6,
                             validators=[Optional(), FiniteNumber(), NumberRange(min=-180, max=180)])
    attachments = MultipleFileField("Photos, videos or documents (optional)")
    contact_name = StringField("Your name", validators=[Length(max=Tip.MAX_CONTACT_NAME), NoNul()])
    contact_phone = StringField("Your phone number", validators=[Length(max=Tip.MAX_CONTACT_PHONE), NoNul()])
    contact_email = StringField("Your e-mail address", validators=[Length(max=Tip.MAX_CONTACT_EMAIL), NoNul()])
    terms_version = HiddenField(validators=[Length(max=20)])
    form_token = HiddenField(validators=[Length(max=300)])
    # Hidden from people by the stylesheet; a bot that fills every field fills this one too.
    website = StringField("Leave this field empty", validators=[Length(max=200)])


class TipCheckForm(FlaskForm):
    tip_number = StringField("Tip number", validators=[required("Please enter your tip number."),
                                                        Length(max=TIP_NUMBER_MAX), NoNul()])
    passphrase = StringField("Passphrase", validators=[required("Please enter your passphrase."),
                                                       Length(max=PASSPHRASE_MAX), NoNul()],
                             render_kw={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"})


class TipMessageForm(FlaskForm):
    tip_number = HiddenField(validators=[Length(max=TIP_NUMBER_MAX), NoNul()])
    passphrase = HiddenField(validators=[Length(max=PASSPHRASE_MAX), NoNul()])
    body = TextAreaField("Add information", validators=[Length(max=TipMessage.MAX_BODY), NoNul()])
    attachments = MultipleFileField("Add photos, videos or documents (optional)")
