"""What every page of both zones needs: the department's contact details and page metadata."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Flask, current_app, g, request

from portal.services.department import current_profile
from portal.services.reports import format_local


def department():
    """Loaded once per request, on first use; falls back to configuration if the database is down."""
    if "department" not in g:
        g.department = current_profile(current_app.config["PORTAL_DEPARTMENT"])
    return g.department


def page_context() -> dict[str, Any]:
    zone = current_app.config["PORTAL_ZONE"]
    site_url = current_app.config["PORTAL_SITE_URL"].rstrip("/")
    return {
        "department": department(),
        "zone_layout": f"{zone}/_layout.html",
        "site_url": site_url,
        # Built from configuration, never from the Host header, so a forged Host cannot change it.
        "canonical_url": site_url + request.path,
    }


def local_datetime(value: datetime) -> str:
    return format_local(value, current_app.config["PORTAL_TIMEZONE"])


def register(app: Flask) -> None:
    app.context_processor(page_context)
    app.add_template_filter(local_datetime)
