"""Sign-in and sign-out. Two-factor sign-in and server-side sessions come with the back office issue."""

from __future__ import annotations

import logging

from flask import Blueprint, Flask, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_limiter import Limiter

from portal.security import no_store
from portal.services.staff_accounts import authenticate, normalize_email
from portal.staff.forms import LoginForm

bp = Blueprint("staff_auth", __name__)
log = logging.getLogger(__name__)


def login_limit() -> str:
    return current_app.config["PORTAL_LOGIN_LIMIT"]


def submitted_email() -> str:
    return normalize_email(request.form.get("email", ""))[:254]


def limit_sign_in(app: Flask, limiter: Limiter) -> None:
    """Throttle sign-in attempts per client and, separately, per account name."""
    view = app.view_functions["staff_auth.login"]
    view = limiter.limit(login_limit, methods=["POST"])(view)
    app.view_functions["staff_auth.login"] = limiter.limit(login_limit, methods=["POST"], key_func=submitted_email)(view)


@bp.route("/login", methods=["GET", "POST"])
@no_store
def login():
    if g.staff is not None:
        return redirect(url_for("dashboard.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data)
        if user is not None:
            # A fresh session at sign-in, so a session id planted before sign-in is worthless.
            session.clear()
            session["staff_id"] = user.public_id
            session.permanent = True
            log.info("staff.signed_in staff_id=%s", user.public_id)
            return redirect(url_for("dashboard.index"))
        log.info("staff.sign_in_failed")
        form.password.errors.append("That e-mail address and password do not match an active account.")
    return render_template("staff/auth/login.html", form=form)


@bp.post("/logout")
def logout():
    log.info("staff.signed_out staff_id=%s", g.staff.public_id)
    session.clear()
    flash("You have signed out.")
    return redirect(url_for("staff_auth.login"))
