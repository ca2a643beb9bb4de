"""Sign-in in two steps (password, then a TOTP code; enrollment on first sign-in) and sign-out.

Between the two steps the signed session cookie holds only who passed the password and when;
the real, revocable session is created server-side after the code, under a new token.
"""

from __future__ import annotations

import time
from datetime import timedelta

from flask import Blueprint, Flask, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_limiter import Limiter
from markupsafe import Markup

from portal.security import no_store
from portal.services import staff_accounts, two_factor
from portal.services.staff_accounts import SignInOutcome, normalize_email
from portal.staff.forms import CodeForm, LoginForm

bp = Blueprint("staff_auth", __name__)

SIGN_IN_FAILED = "That e-mail address and password do not match an active account, or the account is locked for a while."
CODE_FAILED = "That code is not valid. Codes change every 30 seconds and each works only once."


def lockout() -> tuple[int, timedelta]:
    config = current_app.config
    return config["PORTAL_LOCKOUT_THRESHOLD"], timedelta(minutes=config["PORTAL_LOCKOUT_MINUTES"])


def login_limit() -> str:
    return current_app.config["PORTAL_LOGIN_LIMIT"]


def submitted_email() -> str:
    return normalize_email(request.form.get("email", ""))[:254]


def pending_staff_id() -> int | None:
    """Who passed the password step, if that was recent enough."""
    started = session.get("pending_at", 0)
    if time.time() - started > current_app.config["PORTAL_PENDING_SIGN_IN_SECONDS"]:
        return None
    return session.get("pending_staff_id")


def finish_sign_in(token: str):
    # A fresh cookie: nothing from before sign-in survives, so a planted session is worthless.
    session.clear()
    session["session_token"] = token
    session.permanent = True
    return redirect(url_for("dashboard.index"))


@bp.route("/login", methods=["GET", "POST"])
@no_store
def login():
    if g.staff is not None:
        return redirect(url_for("dashboard.index"))
    form = LoginForm()
    if form.validate_on_submit():
        check = staff_accounts.check_password(form.email.data, form.password.data, *lockout())
        if check.outcome is SignInOutcome.PASSWORD_OK:
            session.clear()
            session["pending_staff_id"] = check.user.id
            session["pending_at"] = time.time()
            return redirect(url_for("staff_auth.code" if check.user.enrolled else "staff_auth.enroll"))
        form.password.errors.append(SIGN_IN_FAILED)
    return render_template("staff/auth/login.html", form=form)


@bp.route("/login/code", methods=["GET", "POST"])
@no_store
def code():
    staff_id = pending_staff_id()
    if staff_id is None:
        return redirect(url_for("staff_auth.login"))
    form = CodeForm()
    if form.validate_on_submit():
        token = staff_accounts.complete_two_factor(staff_id, form.code.data, *lockout())
        if token:
            return finish_sign_in(token)
        form.code.errors.append(CODE_FAILED)
    return render_template("staff/auth/code.html", form=form)


@bp.route("/login/enroll", methods=["GET", "POST"])
@no_store
def enroll():
    staff_id = pending_staff_id()
    if staff_id is None:
        return redirect(url_for("staff_auth.login"))
    user = staff_accounts.get_staff(staff_id)
    if user.enrolled:
        return redirect(url_for("staff_auth.code"))
    secret = session.setdefault("pending_totp_secret", two_factor.new_secret())
    form = CodeForm()
    if form.validate_on_submit():
        token = staff_accounts.complete_two_factor(staff_id, form.code.data, *lockout(), pending_secret=secret)
        if token:
            return finish_sign_in(token)
        form.code.errors.append(CODE_FAILED)
    uri = two_factor.provisioning_uri(secret, user.email, current_app.config["PORTAL_DEPARTMENT"]["short_name"])
    return render_template("staff/auth/enroll.html", form=form, secret=secret,
                           qr_code_html=Markup(two_factor.qr_code_svg(uri)))


@bp.post("/logout")
def logout():
    staff_accounts.sign_out(g.staff, session.get("session_token", ""))
    session.clear()
    flash("You have signed out.")
    return redirect(url_for("staff_auth.login"))


def limit_sign_in(app: Flask, limiter: Limiter) -> None:
    """Throttle sign-in attempts per client and, separately, per account name."""
    view = app.view_functions["staff_auth.login"]
    view = limiter.limit(login_limit, methods=["POST"])(view)
    app.view_functions["staff_auth.login"] = limiter.limit(login_limit, methods=["POST"], key_func=submitted_email)(view)
    app.view_functions["staff_auth.code"] = limiter.limit(login_limit, methods=["POST"])(
        app.view_functions["staff_auth.code"])
    app.view_functions["staff_auth.enroll"] = limiter.limit(login_limit, methods=["POST"])(
        app.view_functions["staff_auth.enroll"])
