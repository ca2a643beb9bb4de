"""Writing crime prevention tips: drafts by communications staff, published by a supervisor."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, url_for
from wtforms.fields.choices import SelectChoice

from portal.exceptions import InvalidInput, PermissionDenied
from portal.models import PreventionTip
from portal.services import notices, prevention
from portal.services.publishing_policy import PolicyBlocked
from portal.staff.decorators import role_required
from portal.staff.forms import PreventionTipForm
from portal.staff.publishing import notice_settings, save_or_show

bp = Blueprint("prevention_desk", __name__, url_prefix="/prevention")

authors_only = role_required(*notices.AUTHORS)
CHANGES = {"submit": "Submitted: a supervisor will review it.", "publish": "Published.",
           "unpublish": "Taken off the public pages; it is a draft again."}


def with_categories(form: PreventionTipForm) -> PreventionTipForm:
    form.category_id.choices = [SelectChoice(0, "(choose)")] + [
        SelectChoice(category.id, category.name) for category in prevention.all_categories()]
    return form


def tip_input(form: PreventionTipForm) -> prevention.PreventionInput:
    return prevention.PreventionInput(form.category_id.data or None, form.new_category.data or "",
                                      form.title.data or "", form.summary.data or "", form.body.data or "")


def render_editor(form: PreventionTipForm, tip: PreventionTip | None, warnings=()):
    return render_template("staff/prevention_desk/edit.html", form=form, tip=tip, warnings=list(warnings),
                           reviewer=notices.is_reviewer(g.staff)), 400 if form.errors else 200


@bp.get("/")
@authors_only
def index():
    return render_template("staff/prevention_desk/index.html", categories=prevention.all_categories())


@bp.route("/new", methods=["GET", "POST"])
@authors_only
def new():
    form = with_categories(PreventionTipForm())
    if form.validate_on_submit():
        tip, _warnings = save_or_show(form, lambda: prevention.create_tip(g.staff, tip_input(form)), [])
        if tip is not None:
            flash("Draft saved.")
            return redirect(url_for("prevention_desk.edit", tip_id=tip.id))
    return render_editor(form, None)


@bp.route("/<int:tip_id>", methods=["GET", "POST"])
@authors_only
def edit(tip_id: int):
    tip = prevention.get_for_staff(g.staff, tip_id)
    form = with_categories(PreventionTipForm(obj=tip, body=tip.body_source or tip.body_html))
    warnings = prevention.warnings_for(tip, notice_settings())
    if form.validate_on_submit():
        try:
            saved, warnings = save_or_show(form, lambda: prevention.edit_tip(
                g.staff, tip_id, tip_input(form), notice_settings(), form.override_reason.data or ""), warnings)
        except PermissionDenied:
            flash("A published tip is changed by a supervisor; ask one, or have it taken down first.")
            return redirect(url_for("prevention_desk.edit", tip_id=tip_id))
        if saved is not None:
            flash("Changes saved.")
            return redirect(url_for("prevention_desk.edit", tip_id=tip_id))
    return render_editor(form, tip, warnings)


@bp.post("/<int:tip_id>/<any(submit, publish, unpublish):change>")
@authors_only
def move(tip_id: int, change: str):
    form = with_categories(PreventionTipForm())
    try:
        prevention.move_tip(g.staff, tip_id, change, notice_settings(), form.override_reason.data or "")
    except PolicyBlocked as blocked:
        tip = prevention.get_for_staff(g.staff, tip_id)
        shown = with_categories(PreventionTipForm(formdata=None, obj=tip, body=tip.body_source or tip.body_html))
        shown.override_reason.errors = [str(blocked)]
        return render_editor(shown, tip, blocked.warnings)
    except PermissionDenied:
        flash("Only a supervisor can do that.")
    except InvalidInput as error:
        flash(str(error))
    else:
        flash(CHANGES[change])
    return redirect(url_for("prevention_desk.edit", tip_id=tip_id))
