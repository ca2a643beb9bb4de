"""Which language a page is drawn in: the resident's choice, else their browser's, else English.

The choice is remembered in a cookie that holds the language code and nothing else: no
identifier, so everyone who chose Spanish sends the same cookie and none can be told apart. The
back office is English only. Dates, numbers and e-mails follow the same choice.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from urllib.parse import urlsplit

from flask import Flask, Response, current_app, request
from flask_babel import get_locale
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header, parse_cookie

from portal.extensions import babel
from portal.languages import (DEFAULT_LANGUAGE, LANGUAGES, REGIONAL_LOCALES, TRANSLATIONS, format_day, format_local,
                              format_number)

LANGUAGE_COOKIE = "portal_language"
REMEMBER_FOR = timedelta(days=365)


def language_from_environ(environ: dict) -> str:
    """Also read by the page cache before the app runs, so it must need nothing but the request."""
    chosen = parse_cookie(environ).get(LANGUAGE_COOKIE)
    if chosen in LANGUAGES:
        return chosen
    accepted = parse_accept_header(environ.get("HTTP_ACCEPT_LANGUAGE"), LanguageAccept)
    return accepted.best_match(list(LANGUAGES), default=DEFAULT_LANGUAGE)


def select_language() -> str:
    if current_app.config["PORTAL_ZONE"] != "public":
        return DEFAULT_LANGUAGE
    return language_from_environ(request.environ)


def current_language() -> str:
    return str(get_locale() or DEFAULT_LANGUAGE)


def page_back(target: str | None) -> str:
    """Only a path on this site: a crafted link must not send a resident elsewhere."""
    parts = urlsplit(target or "/")
    if parts.scheme or parts.netloc or not parts.path.startswith("/") or parts.path.startswith("//") \
            or "\\" in parts.path:
        return "/"
    return parts.path + (f"?{parts.query}" if parts.query else "")


def remember_language(response: Response, language: str) -> Response:
    if language in LANGUAGES:
        # A shared cache that kept this answer would hand one reader's choice to everyone after them.
        response.cache_control.no_store = True
        response.set_cookie(LANGUAGE_COOKIE, language, max_age=REMEMBER_FOR, httponly=True, samesite="Lax",
                            secure=current_app.config["SESSION_COOKIE_SECURE"])
    return response


def this_page() -> str:
    return request.path + (f"?{request.query_string.decode('latin-1')}" if request.query_string else "")


def language_context() -> dict[str, object]:
    language = current_language()
    return {"current_language": language, "languages": LANGUAGES, "sharing_locale": REGIONAL_LOCALES[language],
            "this_page": this_page}


def local_datetime(value: datetime) -> str:
    return format_local(value, current_app.config["PORTAL_TIMEZONE"], current_language())


def local_date(value: date) -> str:
    return format_day(value, current_language())


def local_number(value: object) -> str:
    return format_number(value, current_language())


def vary_by_language(response: Response) -> Response:
    # A shared proxy must keep one copy per language, not hand a Spanish page to an English reader.
    response.vary.update(("Accept-Language", "Cookie"))
    return response


def register(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_language, default_translation_directories=str(TRANSLATIONS))
    # {% trans %} blocks are wrapped in templates; translators see each as one line (babel.cfg agrees).
    app.jinja_env.policies["ext.i18n.trimmed"] = True
    app.context_processor(language_context)
    app.add_template_filter(local_datetime)
    app.add_template_filter(local_date)
    app.add_template_filter(local_number)
    if app.config["PORTAL_ZONE"] == "public":
        app.after_request(vary_by_language)
