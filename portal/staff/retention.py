"""The records retention schedule, edited by admins; every change is audited."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, url_for

from portal.exceptions import InvalidInput
from portal.models import StaffRole
from portal.services import retention
from portal.staff.decorators import role_required
from portal.staff.forms import RetentionRuleForm, show_service_error

bp = Blueprint("retention", __name__, url_prefix="/retention")


@bp.get("/")
@role_required(StaffRole.ADMIN)
def index():
    return render_template("staff/retention/index.html", rules=retention.list_rules(),
                           fixed_reason=retention.fixed_reason, describe_period=retention.describe_period)


@bp.route("/<int:rule_id>/edit", methods=["GET", "POST"])
@role_required(StaffRole.ADMIN)
def edit(rule_id: int):
    rule = retention.get_rule(rule_id)
    form = RetentionRuleForm(obj=rule)
    if form.validate_on_submit():
        try:
            retention.update_rule(g.staff, rule_id, form.period_days.data, form.citation.data)
        except InvalidInput as error:
            show_service_error(form, error, "citation")
        else:
            flash("Retention rule changed.")
            return redirect(url_for("retention.index"))
    return render_template("staff/retention/edit.html", form=form, rule=rule,
                           fixed=retention.fixed_reason(rule)), 400 if form.errors else 200
