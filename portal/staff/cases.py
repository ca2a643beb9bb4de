"""One submission as staff work it: its text (escaped), files, notes and routing."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, g, redirect, render_template, send_file, url_for
from wtforms.fields.choices import SelectChoice

from portal.exceptions import InvalidInput, PermissionDenied
from portal.models import ReportStatus, StaffRole, TipStatus
from portal.services import attachments, casework, disclosure, retention, staff_accounts
from portal.staff.decorators import role_required
from portal.staff.forms import (HoldForm, NoteForm, RedactionMarkForm, ReportDecisionForm, RerouteForm, StateForm,
                               TipReplyForm, show_service_error)

bp = Blueprint("cases", __name__, url_prefix="/cases")


def reroute_form(item) -> RerouteForm:
    form = RerouteForm(unit_id=item.unit_id, assignee_id=item.assignee_id or 0)
    units = staff_accounts.list_units()
    form.unit_id.choices = [SelectChoice(unit.id, unit.name) for unit in units]
    form.assignee_id.choices = [SelectChoice(0, "Nobody: leave it in the unit queue")] + [
        SelectChoice(member.id, f"{member.display_name} ({unit.name})")
        for unit in units for member in unit.members if member.active]
    return form


def render_detail(item, note_form: NoteForm | None = None, status: int = 200, reply_form: TipReplyForm | None = None,
                  decision_form: ReportDecisionForm | None = None, hold_form: HoldForm | None = None,
                  mark_form: RedactionMarkForm | None = None):
    can_reroute = g.staff.role in (StaffRole.ADMIN, StaffRole.SUPERVISOR)
    can_hold = g.staff.role in retention.HOLDERS
    return render_template(
        "staff/cases/detail.html", item=item, note_form=note_form or NoteForm(formdata=None),
        marks=disclosure.marks_of(item), mark_form=mark_form or RedactionMarkForm(formdata=None),
        can_export=disclosure.can_export(g.staff),
        hold=retention.active_hold(item), holds=retention.hold_history(item),
        hold_form=(hold_form or HoldForm(formdata=None)) if can_hold else None,
        reroute_form=reroute_form(item) if can_reroute else None, state_form=StateForm(),
        reply_form=(reply_form or TipReplyForm(formdata=None)) if item.tip else None,
        decision_form=(decision_form or ReportDecisionForm(formdata=None)) if item.report else None), status


@bp.post("/<uuid:public_id>/<any(close, reopen):change>")
def set_state(public_id, change: str):
    if StateForm().validate_on_submit():
        casework.set_item_open(g.staff, str(public_id), change == "reopen")
        flash("Closed." if change == "close" else "Reopened.")
    return redirect(url_for("cases.detail", public_id=public_id))


@bp.post("/<uuid:public_id>/tipster")
def reply(public_id):
    form = TipReplyForm()
    if form.validate_on_submit():
        status = TipStatus(form.status.data) if form.status.data else None
        try:
            texted = casework.reply_to_tipster(g.staff, str(public_id), form.body.data or "", status,
                                               form.public_message.data)
        except InvalidInput as error:
            show_service_error(form, error, "body")
        else:
            flash("Texted to the tipster." if texted else "Sent to the tipster: they see it when they check on their tip.")
            return redirect(url_for("cases.detail", public_id=public_id))
    return render_detail(casework.item_for(g.staff, str(public_id)), status=400, reply_form=form)


@bp.post("/<uuid:public_id>/decision")
def decide(public_id):
    form = ReportDecisionForm()
    if form.validate_on_submit():
        try:
            casework.decide_report(g.staff, str(public_id), ReportStatus(form.decision.data),
                                   current_app.config["PORTAL_SITE_URL"].rstrip("/"), message=form.message.data or "",
                                   case_number=form.case_number.data or "")
        except (InvalidInput, PermissionDenied) as error:
            form.message.errors.append(str(error) if isinstance(error, InvalidInput) else
                                       "That step is not possible from the report's current status.")
        else:
            flash("Decision recorded; the reporter was e-mailed.")
            return redirect(url_for("cases.detail", public_id=public_id))
    return render_detail(casework.item_for(g.staff, str(public_id)), status=400, decision_form=form)


@bp.post("/<uuid:public_id>/hold/<any(place, lift):change>")
@role_required(*retention.HOLDERS)
def hold(public_id, change: str):
    """Place or lift a legal hold; the reason is required both ways and audited."""
    form = HoldForm()
    if form.validate_on_submit():
        try:
            (retention.place_hold if change == "place" else retention.lift_hold)(g.staff, str(public_id),
                                                                                 form.reason.data)
        except InvalidInput as error:
            form.reason.errors.append(str(error))
        else:
            flash("Legal hold placed: this submission will not be purged." if change == "place" else
                  "Legal hold lifted: the retention schedule applies again.")
            return redirect(url_for("cases.detail", public_id=public_id))
    return render_detail(retention.holdable_item(g.staff, str(public_id)), status=400, hold_form=form)


@bp.get("/<uuid:public_id>")
def detail(public_id):
    return render_detail(casework.open_item(g.staff, str(public_id)))


@bp.post("/<uuid:public_id>/notes")
def add_note(public_id):
    form = NoteForm()
    if form.validate_on_submit():
        try:
            casework.add_note(g.staff, str(public_id), form.body.data)
        except InvalidInput as error:
            form.body.errors.append(str(error))
        else:
            flash("Note added.")
            return redirect(url_for("cases.detail", public_id=public_id))
    return render_detail(casework.item_for(g.staff, str(public_id)), form, 400)


@bp.post("/<uuid:public_id>/route")
@role_required(StaffRole.ADMIN, StaffRole.SUPERVISOR)
def reroute(public_id):
    item = casework.item_for(g.staff, str(public_id))
    form = reroute_form(item)
    if form.validate_on_submit():
        try:
            casework.reroute(g.staff, str(public_id), form.unit_id.data, form.assignee_id.data or None,
                             current_app.config["PORTAL_BACK_OFFICE_URL"])
            flash("Routing changed.")
        except InvalidInput as error:
            flash(str(error))
    return redirect(url_for("cases.detail", public_id=public_id))


@bp.get("/<uuid:public_id>/files/<uuid:attachment_id>")
def download(public_id, attachment_id):
    """Always a download, never shown in the browser: a file from the public is untrusted."""
    path, media_type = casework.attachment_file(g.staff, str(public_id), str(attachment_id),
                                                current_app.config["PORTAL_UPLOAD_FOLDER"])
    response = send_file(path, mimetype=media_type, as_attachment=True,
                         download_name=f"attachment-{attachment_id}{attachments.file_extension(media_type)}")
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
