"""App-level error pages: every one shows the emergency banner and the non-emergency phone."""

from __future__ import annotations

import logging

from flask import Flask, Response, make_response, render_template, request
from flask_babel import gettext
from flask_wtf.csrf import CSRFError
from limits.errors import StorageError
from redis.exceptions import RedisError
from sqlalchemy.exc import DataError, InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError

from portal import exceptions
from portal.languages import N_
from portal.services.storage import StorageError as UploadStorageError
from portal.extensions import db

log = logging.getLogger(__name__)

# What a person sees for each status; anything else falls back to the generic 500 wording.
MESSAGES = {
    400: (N_("Something in that request was not right"), N_("Please go back, check what you entered and try again.")),
    403: (N_("You cannot open this page"), N_("Your account does not have access to this page.")),
    404: (N_("Page not found"), N_("The page you asked for does not exist or has moved.")),
    405: (N_("That action is not allowed here"), N_("This address does not accept that kind of request.")),
    413: (
        N_("That upload is too large"),
        N_("What you sent is larger than this site accepts. Please send smaller files, or fewer at once."),
    ),
    429: (
        N_("Too many requests"),
        N_("You have sent too many requests in a short time. Please wait a minute and try again, "
           "or call us instead."),
    ),
    500: (
        N_("Something went wrong on our side"),
        N_("The error has been recorded. Please try again later, or call us."),
    ),
    503: (
        N_("This service is temporarily unavailable"),
        N_("We cannot store or show information right now, so nothing you send can be received. "
           "Please try again later, or call us."),
    ),
}
CSRF_MESSAGE = (
    N_("This form has expired"),
    N_("For your security each form is valid for a limited time, or your browser did not send its "
       "security token. Go back, reload the page and send it again."),
)
RETRY_AFTER_SECONDS = "60"


def render_error(status: int, title: str, message: str) -> tuple[str | dict[str, str], int]:
    # Programs read the JSON, so it stays in English; a page is worded in the reader's language.
    if request.path.startswith("/api/") or request.path == "/healthz":
        return {"error": title, "message": message}, status
    page = render_template("errors/error.html", status=status, title=gettext(title), message=gettext(message))
    return page, status


def error_page(status: int) -> tuple[str | dict[str, str], int]:
    title, message = MESSAGES.get(status, MESSAGES[500])
    return render_error(status, title, message)


def handle_http_error(error: HTTPException) -> Response | HTTPException:
    if error.code is None or error.code < 400:
        return error
    if error.response is not None:
        # A view prepared its own page for this error (a form that keeps the text).
        response = error.response
    else:
        response = make_response(error_page(error.code))
    if error.code == 405 and getattr(error, "valid_methods", None):
        response.headers["Allow"] = ", ".join(error.valid_methods)
    if error.code in (429, 503):
        response.headers.setdefault("Retry-After", RETRY_AFTER_SECONDS)
    return response


def handle_csrf_error(_error: CSRFError) -> tuple[str | dict[str, str], int]:
    return render_error(400, *CSRF_MESSAGE)


def handle_unavailable(error: Exception) -> Response:
    """The database or the rate-limit store is down: say so, with the phone numbers; never a 500."""
    log.error("dependency unavailable: %s", type(error).__name__)
    db.session.rollback()
    response = make_response(error_page(503))
    response.headers["Retry-After"] = RETRY_AFTER_SECONDS
    return response


def handle_bad_data(error: DataError) -> tuple[str | dict[str, str], int]:
    """Input the database refused (a NUL byte, a number out of range): the request was bad."""
    log.warning("database refused request data: %s", type(error.orig).__name__)
    db.session.rollback()
    return error_page(400)


def handle_server_error(_error: InternalServerError) -> tuple[str | dict[str, str], int]:
    db.session.rollback()
    return error_page(500)


def register(app: Flask) -> None:
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(InternalServerError, handle_server_error)
    app.register_error_handler(DataError, handle_bad_data)
    for unavailable in (OperationalError, InterfaceError, StorageError, RedisError, UploadStorageError):
        app.register_error_handler(unavailable, handle_unavailable)
    app.register_error_handler(exceptions.NotFound, lambda _error: error_page(404))
    app.register_error_handler(exceptions.PermissionDenied, lambda _error: error_page(403))
