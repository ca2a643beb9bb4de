"""Administration, for admins only: staff accounts and units, and the audit log."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, g, redirect, render_template, url_for

from portal.exceptions import InvalidInput
from portal.models import StaffRole
from portal.services import audit, staff_accounts
from portal.staff.decorators import role_required
from portal.staff.forms import (AccountForm, ActiveForm, PlacementForm, UnitNameForm, UnitRemovalForm,
                                refusals_in_words, show_service_error)

bp = Blueprint("admin", __name__, url_prefix="/admin")


def render_accounts(form: AccountForm, status: int = 200):
    units = staff_accounts.list_units()
    removal_forms = {unit.id: UnitRemovalForm(formdata=None, prefix=f"remove{unit.id}").offer_successors(unit, units)
                     for unit in units}
    return render_template("staff/admin/accounts.html", form=form, accounts=staff_accounts.list_accounts(),
                           units=units, active_form=ActiveForm(), placement_form=PlacementForm,
                           unit_form=UnitNameForm, removal_forms=removal_forms), status


@bp.route("/accounts", methods=["GET", "POST"])
@role_required(StaffRole.ADMIN)
def accounts():
    form = AccountForm()
    if not form.validate_on_submit():
        return render_accounts(form, 400 if form.errors else 200)
    try:
        created = staff_accounts.create_staff_account(
            form.email.data, form.display_name.data, form.role.data, form.password.data,
            unit_name=form.unit.data or "", created_by=g.staff.email,
            issuer=current_app.config["PORTAL_DEPARTMENT"]["short_name"])
    except InvalidInput as error:
        show_service_error(form, error, "email")
        return render_accounts(form, 400)
    flash(f"Created the account of {created.user.display_name}. They enroll their authenticator app at first sign-in.")
    return redirect(url_for("admin.accounts"))


@bp.post("/accounts/<uuid:public_id>/<any(activate, deactivate):change>")
@role_required(StaffRole.ADMIN)
def set_active(public_id, change: str):
    if ActiveForm().validate_on_submit():
        try:
            user = staff_accounts.set_active(str(public_id), change == "activate", g.staff)
            flash(f"{user.display_name} is now {'active' if user.active else 'deactivated and signed out everywhere'}.")
        except InvalidInput as error:
            flash(str(error))
    return redirect(url_for("admin.accounts"))


@bp.post("/accounts/<uuid:public_id>/placement")
@role_required(StaffRole.ADMIN)
def placement(public_id):
    # Each row's form has its own prefix, so the page has no duplicate field ids.
    form = PlacementForm(prefix=str(public_id)[:8])
    if form.validate_on_submit():
        try:
            user = staff_accounts.update_placement(str(public_id), form.role.data, form.unit.data or "", g.staff)
            flash(f"{user.display_name} is now {user.role.value}" + (f" in {user.unit.name}." if user.unit else "."))
        except InvalidInput as error:
            flash(str(error))
    else:
        # Sent from a row of the accounts page: refusals too are a message there.
        flash(refusals_in_words(form))
    return redirect(url_for("admin.accounts"))


@bp.post("/units/<int:unit_id>/name")
@role_required(StaffRole.ADMIN)
def rename_unit(unit_id: int):
    form = UnitNameForm(prefix=f"unit{unit_id}")
    if form.validate_on_submit():
        try:
            unit = staff_accounts.rename_unit(unit_id, form.name.data, g.staff)
            flash(f"The unit is now called {unit.name}.")
        except InvalidInput as error:
            flash(str(error))
    else:
        # Sent from a row of the accounts page: refusals too are a message there.
        flash(refusals_in_words(form))
    return redirect(url_for("admin.accounts"))


@bp.post("/units/<int:unit_id>/remove")
@role_required(StaffRole.ADMIN)
def remove_unit(unit_id: int):
    form = UnitRemovalForm(prefix=f"remove{unit_id}")
    if form.validate_on_submit():
        try:
            successor = staff_accounts.remove_unit(unit_id, form.successor.data or None, g.staff,
                                                   current_app.config["PORTAL_FALLBACK_UNIT"])
            flash("The unit was removed" + (f"; {successor.name} took over what it held." if successor else "."))
        except InvalidInput as error:
            flash(str(error))
    return redirect(url_for("admin.accounts"))


@bp.get("/audit")
@role_required(StaffRole.ADMIN)
def audit_log():
    return render_template("staff/admin/audit_log.html", entries=audit.recent_entries(), chain=audit.verify_chain())
