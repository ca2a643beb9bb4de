"""What the resident forms share: uploads, field errors from services, expired tokens."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, current_app, make_response
from flask_babel import gettext, lazy_gettext
from flask_limiter import Limiter
from flask_wtf import FlaskForm
from werkzeug.exceptions import ServiceUnavailable

from portal.exceptions import InvalidInput
from portal.extensions import csrf
from portal.languages import Wording, reworded
from portal.languages import N_
from portal.services.attachments import Upload, UploadLimits
from portal.services.assignment import RoutingSettings

EXPIRED_NOTICE = lazy_gettext(
    "For your security this form had expired. Nothing was lost: check what you wrote below and press "
    "Send again. Files must be chosen again."
)
FILES_NOT_STORED_NOTICE = N_(
    "Nothing was sent: your files could not be stored just now. What you wrote is kept below. Please try "
    "again in a few minutes (files must be chosen again), send it without the files, or call us on %(phone)s."
)


def upload_limits() -> UploadLimits:
    config = current_app.config
    return UploadLimits(config["PORTAL_TIP_MAX_FILES"], config["PORTAL_TIP_MAX_FILE_BYTES"],
                        config["PORTAL_TIP_MAX_TOTAL_BYTES"])


def uploads_from(files) -> list[Upload]:
    return [Upload(file.filename or "", file.read()) for file in files or []
            if file and (file.filename or file.content_length)]


def routing_settings() -> RoutingSettings:
    config = current_app.config
    return RoutingSettings(config["PORTAL_FALLBACK_UNIT"], config["PORTAL_DEADLINE_HOURS"],
                           config["PORTAL_BACK_OFFICE_URL"])


def non_emergency_phone() -> str:
    return current_app.config["PORTAL_DEPARTMENT"]["non_emergency_phone"]


def csrf_expired(form: FlaskForm) -> bool:
    token_field = getattr(form, "csrf_token", None)
    return bool(token_field is not None and token_field.errors)


def in_words(error: InvalidInput) -> str:
    """A service's complaint in the resident's language."""
    return reworded(Wording(error.message, **error.values), gettext)


def show_error(form: FlaskForm, error: InvalidInput) -> str | None:
    """Put a service's complaint next to its field; return it as a page notice if it has none."""
    field = form._fields.get(error.field or "")
    if field is None or field.type in ("HiddenField", "FieldList"):
        return in_words(error)
    if isinstance(field.errors, tuple):
        field.errors = list(field.errors)
    field.errors.append(in_words(error))
    return None


def files_not_stored(render_form: Callable[[str], tuple[str, int]]) -> ServiceUnavailable:
    """The upload folder is full or failing: a 503 that shows the form again with everything typed."""
    page = render_form(gettext(FILES_NOT_STORED_NOTICE, phone=non_emergency_phone()))
    return ServiceUnavailable(response=make_response(page))


def limit_form_posts(app: Flask, limiter: Limiter, rules: dict[str, tuple[list, Callable]]) -> None:
    """Apply ``(limit, key_func)`` pairs to each endpoint's POSTs, answering a breach with ``on_breach``.

    The forms check their own CSRF token, so an expired one shows the form again with its text
    instead of the global error page.
    """
    for endpoint, (limits, on_breach) in rules.items():
        view = app.view_functions[endpoint]
        csrf.exempt(view)
        for limit, key_func in limits:
            view = limiter.limit(limit, methods=["POST"], key_func=key_func, on_breach=on_breach)(view)
        app.view_functions[endpoint] = view
