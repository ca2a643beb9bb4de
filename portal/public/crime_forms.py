"""The crime map's filter form, read from the query string so that every tab shares one link."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, StringField
from wtforms.validators import Length
from wtforms.widgets import CheckboxInput, DateInput, ListWidget

# "YYYY-MM-DD": the service reads the first ten characters only, so a longer text is refused here.
MAX_DATE = 10


class CrimeFilterForm(FlaskForm):
    """Shape checks only: crime_data.parse_filter says what is wrong with a date or a category."""

    class Meta:
        # A GET form changes nothing, so it needs no token, and its links can be shared.
        csrf = False

    # The query string's names are the API's (from, to, category), so one query serves both.
    first_day = StringField(_l("First day"), name="from", widget=DateInput(),
                            validators=[Length(max=MAX_DATE, message=_l("Give the date as YYYY-MM-DD."))])
    last_day = StringField(_l("Last day"), name="to", widget=DateInput(),
                           validators=[Length(max=MAX_DATE, message=_l("Give the date as YYYY-MM-DD."))])
    category = SelectMultipleField(_l("Categories"), widget=ListWidget(prefix_label=False),
                                   option_widget=CheckboxInput(), validate_choice=False)
