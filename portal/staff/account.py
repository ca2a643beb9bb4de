"""The signed-in person's own account: changing the password."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, session, url_for

from portal.exceptions import InvalidInput
from portal.security import no_store
from portal.services import staff_accounts
from portal.staff.forms import PasswordChangeForm

bp = Blueprint("account", __name__, url_prefix="/account")


@bp.route("/password", methods=["GET", "POST"])
@no_store
def password():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        try:
            staff_accounts.change_password(g.staff, form.current_password.data, form.new_password.data)
        except InvalidInput as error:
            getattr(form, error.field).errors.append(str(error))
        else:
            session.clear()
            flash("Your password was changed and every session of your account was ended. Please sign in again.")
            return redirect(url_for("staff_auth.login"))
    return render_template("staff/account/password.html", form=form)
