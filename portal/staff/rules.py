"""Routing rules, edited by supervisors and admins."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, url_for
from wtforms.fields.choices import SelectChoice

from portal.exceptions import InvalidInput
from portal.models import StaffRole
from portal.services import casework
from portal.staff.decorators import role_required
from portal.staff.forms import AreaForm, RuleForm, RuleToggleForm

bp = Blueprint("rules", __name__, url_prefix="/rules")


def rule_form(**options) -> RuleForm:
    form = RuleForm(**options)
    form.area_id.choices = [SelectChoice(0, "Anywhere")] + [
        SelectChoice(area.id, area.name) for area in casework.list_areas()]
    return form


def rule_input(form: RuleForm) -> casework.RuleInput:
    return casework.RuleInput(
        name=form.name.data, kind=form.kind.data, category=form.category.data or "", keywords=form.keywords.data or "",
        places=form.places.data or "", unit_name=form.unit_name.data, assign_to_member=form.assign_to_member.data,
        area_id=form.area_id.data or None)


def render_rules(form: RuleForm, area_form: AreaForm):
    status = 400 if form.errors or area_form.errors else 200
    return render_template("staff/rules/index.html", form=form, area_form=area_form, rules=casework.list_rules(),
                           areas=casework.list_areas(), toggle_form=RuleToggleForm()), status


@bp.route("/", methods=["GET", "POST"])
@role_required(StaffRole.ADMIN, StaffRole.SUPERVISOR)
def index():
    form = rule_form()
    if form.validate_on_submit():
        try:
            casework.add_rule(g.staff, rule_input(form))
        except InvalidInput as error:
            form.name.errors.append(str(error))
        else:
            flash("Rule added at the end of the list.")
            return redirect(url_for("rules.index"))
    return render_rules(form, AreaForm(formdata=None))


@bp.route("/<int:rule_id>/edit", methods=["GET", "POST"])
@role_required(StaffRole.ADMIN, StaffRole.SUPERVISOR)
def edit(rule_id: int):
    rule = casework.get_rule(rule_id)
    form = rule_form(obj=rule, unit_name=rule.unit.name, area_id=rule.area_id or 0)
    if form.validate_on_submit():
        try:
            casework.update_rule(g.staff, rule_id, rule_input(form))
        except InvalidInput as error:
            form.name.errors.append(str(error))
        else:
            flash("Rule changed.")
            return redirect(url_for("rules.index"))
    return render_template("staff/rules/edit.html", form=form, rule=rule), 400 if form.errors else 200


@bp.post("/areas")
@role_required(StaffRole.ADMIN, StaffRole.SUPERVISOR)
def add_area():
    area_form = AreaForm()
    if area_form.validate_on_submit():
        try:
            casework.add_area(g.staff, area_form.name.data, area_form.places.data or "", area_form.outline.data or "")
        except InvalidInput as error:
            getattr(area_form, error.field if error.field in area_form._fields else "name").errors.append(str(error))
        else:
            flash("Area added.")
            return redirect(url_for("rules.index"))
    return render_rules(rule_form(formdata=None), area_form)


@bp.post("/<int:rule_id>/<any(enable, disable, up, down):change>")
@role_required(StaffRole.ADMIN, StaffRole.SUPERVISOR)
def toggle(rule_id: int, change: str):
    if RuleToggleForm().validate_on_submit():
        if change in ("up", "down"):
            casework.move_rule(g.staff, rule_id, change == "up")
        else:
            casework.set_rule_active(g.staff, rule_id, change == "enable")
    return redirect(url_for("rules.index"))
