"""Response headers, proxy trust and the privacy-preserving client key for rate limits."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from datetime import date, datetime, timezone
from typing import TypeVar
from urllib.parse import urlsplit

from flask import Flask, Response, current_app, request
from werkzeug.middleware.proxy_fix import ProxyFix

View = TypeVar("View", bound=Callable[..., object])


def no_store(view: View) -> View:
    """Mark a view whose page must never sit in a cache: forms, receipts, anything personal."""
    view.portal_no_store = True  # type: ignore[attr-defined]
    return view


def view_is_no_store() -> bool:
    view = current_app.view_functions.get(request.endpoint or "")
    return bool(getattr(view, "portal_no_store", False))


def client_key_for(address: str, day: date, secret: str) -> str:
    """Keyed with the secret and the day, so stored counters cannot be linked from one day to the next."""
    message = f"{day.isoformat()}|{address}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()[:32]


def client_key() -> str:
    """The rate-limit key of this request: limits work, their storage never sees an address."""
    return client_key_for(request.remote_addr or "unknown", datetime.now(timezone.utc).date(),
                          current_app.config["PORTAL_CLIENT_KEY_SECRET"])


def policy_with_map_tiles(config) -> str:
    """The zone's policy plus images from the map tile server, for the pages that show a map only.
    ``data:`` too: the map library blanks a tile it drops with an inline empty image."""
    tiles = urlsplit(config["PORTAL_MAP_TILES_URL"])
    if not tiles.netloc:
        return config["PORTAL_CSP"]
    origin = f"{tiles.scheme}://{tiles.netloc.replace('{s}', '*')}"
    directives = [part.strip() for part in config["PORTAL_CSP"].split(";")]
    return "; ".join(f"{part} data: {origin}" if part.startswith("img-src ") else part for part in directives)


def policy_for_map_page(config) -> str:
    """A public page that draws a map with this site's own script, reading this site's API: the
    resident zone's policy has neither, since no other public page runs any script."""
    policy = policy_with_map_tiles(config)
    for directive in ("script-src 'self'", "connect-src 'self'"):
        if f"{directive.split()[0]} " not in policy:
            policy += f"; {directive}"
    return policy


def set_security_headers(response: Response) -> Response:
    config = current_app.config
    headers = response.headers
    # A view may have set a stricter policy (a download is sandboxed); keep it.
    headers.setdefault("Content-Security-Policy", config["PORTAL_CSP"])
    headers["X-Content-Type-Options"] = "nosniff"
    headers["X-Frame-Options"] = "DENY"
    headers["Referrer-Policy"] = "same-origin"
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    headers["Permissions-Policy"] = "camera=(), geolocation=(), microphone=(), interest-cohort=()"
    if request.is_secure:
        headers["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains"
    if config["PORTAL_NO_STORE"] or response.status_code >= 400 or view_is_no_store():
        headers["Cache-Control"] = "no-store"
    return response


def register(app: Flask) -> None:
    if app.config["PORTAL_PROXY_COUNT"]:
        count = app.config["PORTAL_PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count, x_prefix=count)
    app.after_request(set_security_headers)
