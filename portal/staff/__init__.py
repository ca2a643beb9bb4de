"""Trust zone 2, the back office. Registered only by ``create_app("staff")``.

Deny by default: one ``before_request`` hook sends every request to sign-in unless a signed-in,
active staff member made it or the endpoint is on the short allow-list below.
"""

from __future__ import annotations

from flask import Flask, g, redirect, request, session, url_for
from flask_limiter import Limiter

from portal.services.staff_accounts import active_staff
from portal.staff import auth, dashboard
from portal.staff.forms import LogoutForm

OPEN_ENDPOINTS = frozenset({"staff_auth.login", "health.healthz", "static"})


def require_signed_in_staff():
    g.staff = None
    staff_id = session.get("staff_id")
    if staff_id:
        g.staff = active_staff(staff_id)
        if g.staff is None:
            session.clear()
    if g.staff is None and request.endpoint not in OPEN_ENDPOINTS:
        return redirect(url_for("staff_auth.login"))
    return None


def signed_in_context() -> dict[str, object]:
    return {"staff": g.get("staff"), "logout_form": LogoutForm() if g.get("staff") else None}


def register(app: Flask, limiter: Limiter) -> None:
    app.before_request(require_signed_in_staff)
    app.context_processor(signed_in_context)
    app.register_blueprint(auth.bp)
    app.register_blueprint(dashboard.bp)
    auth.limit_sign_in(app, limiter)
