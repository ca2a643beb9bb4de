"""Trust zone 2, the back office. Registered only by ``create_app("staff")``.

Deny by default: one ``before_request`` hook sends every request to sign-in unless it comes
from a live server-side session of an active, enrolled staff member, or its endpoint is on the
short allow-list below (the sign-in steps check their own half-signed-in state).
"""

from __future__ import annotations

from datetime import timedelta

from flask import Flask, current_app, g, redirect, request, session, url_for
from flask_limiter import Limiter

from portal.services.staff_sessions import signed_in_user
from portal.staff import (account, admin, auth, cases, dashboard, disclosure, incident_imports, prevention_desk,
                          publishing, queue, retention, rules)
from portal.staff.forms import LogoutForm

OPEN_ENDPOINTS = frozenset({"staff_auth.login", "staff_auth.code", "staff_auth.enroll", "health.healthz",
                            "static"})


def require_signed_in_staff():
    config = current_app.config
    g.staff = signed_in_user(session.get("session_token", ""),
                             idle=timedelta(minutes=config["PORTAL_SESSION_IDLE_MINUTES"]),
                             absolute=timedelta(hours=config["PORTAL_SESSION_MAX_HOURS"]))
    if g.staff is None:
        session.pop("session_token", None)
        if request.endpoint not in OPEN_ENDPOINTS:
            return redirect(url_for("staff_auth.login"))
    return None


def signed_in_context() -> dict[str, object]:
    return {"staff": g.get("staff"), "logout_form": LogoutForm() if g.get("staff") else None}


def register(app: Flask, limiter: Limiter) -> None:
    app.before_request(require_signed_in_staff)
    app.context_processor(signed_in_context)
    for module in (auth, dashboard, queue, cases, rules, publishing, prevention_desk, incident_imports, account, admin,
                   retention, disclosure):
        app.register_blueprint(module.bp)
    auth.limit_sign_in(app, limiter)
