"""What every page of both zones needs: the department's contact details and page metadata."""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, g, request

from portal.language_choice import current_language
from portal.services.department import current_profile


def department():
    """Loaded once per request, on first use; falls back to configuration if the database is down."""
    if "department" not in g:
        g.department = current_profile(current_app.config["PORTAL_DEPARTMENT"])
    return g.department


def department_phrase(name: str) -> str:
    """One of the department's own phrases in the page's language, where configuration words it."""
    wording = current_app.config["PORTAL_DEPARTMENT_WORDING"].get(current_language(), {})
    return wording.get(name) or getattr(department(), name)


def page_context() -> dict[str, Any]:
    zone = current_app.config["PORTAL_ZONE"]
    site_url = current_app.config["PORTAL_SITE_URL"].rstrip("/")
    return {
        "department": department(),
        "department_phrase": department_phrase,
        "zone_layout": f"{zone}/_layout.html",
        "site_url": site_url,
        # Built from configuration, never from the Host header, so a forged Host cannot change it.
        "canonical_url": site_url + request.path,
    }


def register(app: Flask) -> None:
    app.context_processor(page_context)
