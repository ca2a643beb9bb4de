"""WTForms validators shared by the forms of both zones."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from wtforms.validators import StopValidation, ValidationError

# C0 controls other than tab, line feed and carriage return; NUL among them, which PostgreSQL refuses.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class NoControlCharacters:
    """Refuse invisible control characters in a field where nobody would type them."""

    message = _l("This contains a character that cannot be used here. Please retype it.")

    def __call__(self, form, field) -> None:
        if isinstance(field.data, str) and CONTROL_CHARACTERS.search(field.data):
            raise ValidationError(self.message)


class NoNul:
    """Refuse NUL, the one character a database cannot store; everything else is kept as typed."""

    message = _l("This contains a NUL character, which cannot be stored. Please remove it.")

    def __call__(self, form, field) -> None:
        if isinstance(field.data, str) and "\x00" in field.data:
            raise ValidationError(self.message)


class FiniteNumber:
    """Refuse NaN and infinity, which a decimal field accepts but no coordinate can be."""

    message = _l("Please enter a number.")

    def __call__(self, form, field) -> None:
        if field.data is not None and not field.data.is_finite():
            raise StopValidation(self.message)
