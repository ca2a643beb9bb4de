"""Routing rules, edited by supervisors and admins."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, url_for

from portal.exceptions import InvalidInput
from portal.models import StaffRole
from portal.services import casework
from portal.staff.decorators import role_required
from portal.staff.forms import RuleForm, RuleToggleForm

bp = Blueprint("rules", __name__, url_prefix="/rules")


@bp.route("/", methods=["GET", "POST"])
@role_required(StaffRole.ADMIN, StaffRole.SUPERVISOR)
def index():
    form = RuleForm()
    if form.validate_on_submit():
        try:
            casework.add_rule(g.staff, name=form.name.data, kind=form.kind.data, category=form.category.data or "",
                              keywords=form.keywords.data or "", places=form.places.data or "",
                              unit_name=form.unit_name.data, assign_to_member=form.assign_to_member.data)
        except InvalidInput as error:
            form.name.errors.append(str(error))
        else:
            flash("Rule added at the end of the list.")
            return redirect(url_for("rules.index"))
    return render_template("staff/rules/index.html", form=form, rules=casework.list_rules(),
                           toggle_form=RuleToggleForm()), 400 if form.errors else 200


@bp.post("/<int:rule_id>/<any(enable, disable, up, down):change>")
@role_required(StaffRole.ADMIN, StaffRole.SUPERVISOR)
def toggle(rule_id: int, change: str):
    if RuleToggleForm().validate_on_submit():
        if change in ("up", "down"):
            casework.move_rule(g.staff, rule_id, change == "up")
        else:
            casework.set_rule_active(g.staff, rule_id, change == "enable")
    return redirect(url_for("rules.index"))
