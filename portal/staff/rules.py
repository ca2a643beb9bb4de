"""Routing rules, edited by supervisors and admins."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, g, redirect, render_template, url_for
from wtforms.fields.choices import SelectChoice

from portal.exceptions import InvalidInput
from portal.models import StaffRole
from portal.models import Area
from portal.security import policy_with_map_tiles
from portal.services import casework
from portal.staff.decorators import role_required
from portal.staff.forms import AreaForm, AreaRemovalForm, RuleForm, RuleToggleForm, show_service_error

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


def render_rules(form: RuleForm):
    return render_template("staff/rules/index.html", form=form, rules=casework.list_rules(),
                           areas=casework.list_areas(), toggle_form=RuleToggleForm()), 400 if form.errors else 200


def render_area(form: AreaForm, area: Area | None):
    """The area form with a map to draw the outline on; the typed outline works without script."""
    config = current_app.config
    others = [{"name": other.name, "outline": other.outline} for other in casework.list_areas()
              if other.outline and other is not area]
    page = render_template("staff/rules/area.html", form=form, area=area, others=others,
                           removal_form=AreaRemovalForm(), tiles=config["PORTAL_MAP_TILES_URL"],
                           attribution=config["PORTAL_MAP_ATTRIBUTION"], center=config["PORTAL_MAP_CENTER"],
                           zoom=config["PORTAL_MAP_ZOOM"])
    return page, 400 if form.errors else 200, {"Content-Security-Policy": policy_with_map_tiles(config)}


def show_area_error(form: AreaForm, error: InvalidInput) -> None:
    show_service_error(form, error, "name")


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
    return render_rules(form)


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


@bp.route("/areas", methods=["GET", "POST"])
@role_required(StaffRole.ADMIN, StaffRole.SUPERVISOR)
def add_area():
    form = AreaForm()
    if form.validate_on_submit():
        try:
            casework.add_area(g.staff, form.name.data, form.places.data or "", form.outline.data or "")
        except InvalidInput as error:
            show_area_error(form, error)
        else:
            flash("Area added.")
            return redirect(url_for("rules.index"))
    return render_area(form, None)


@bp.route("/areas/<int:area_id>", methods=["GET", "POST"])
@role_required(StaffRole.ADMIN, StaffRole.SUPERVISOR)
def edit_area(area_id: int):
    area = casework.get_area(area_id)
    form = AreaForm(obj=area)
    if form.validate_on_submit():
        try:
            casework.update_area(g.staff, area_id, form.name.data, form.places.data or "", form.outline.data or "")
        except InvalidInput as error:
            show_area_error(form, error)
        else:
            flash("Area changed; the rules that use it follow.")
            return redirect(url_for("rules.index"))
    return render_area(form, area)


@bp.post("/areas/<int:area_id>/remove")
@role_required(StaffRole.ADMIN, StaffRole.SUPERVISOR)
def remove_area(area_id: int):
    if AreaRemovalForm().validate_on_submit():
        try:
            flash(f"Area {casework.remove_area(g.staff, area_id)} removed.")
        except InvalidInput as error:
            flash(str(error))
            return redirect(url_for("rules.edit_area", area_id=area_id))
    return redirect(url_for("rules.index"))


@bp.post("/<int:rule_id>/<any(enable, disable, up, down):change>")
@role_required(StaffRole.ADMIN, StaffRole.SUPERVISOR)
def toggle(rule_id: int, change: str):
    if RuleToggleForm().validate_on_submit():
        if change in ("up", "down"):
            casework.move_rule(g.staff, rule_id, change == "up")
        else:
            casework.set_rule_active(g.staff, rule_id, change == "enable")
    return redirect(url_for("rules.index"))
