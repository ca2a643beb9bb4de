"""Public records requests: redaction marks on a submission, and exports for a requester
(records staff and admins), one submission or a filtered set, streamed as a zip download."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, g, redirect, render_template, send_file, url_for

from portal.exceptions import InvalidInput
from portal.models import StaffRole
from portal.services import disclosure
from portal.staff.cases import render_detail
from portal.staff.decorators import role_required
from portal.staff.forms import DisclosureExportForm, DisclosureSetForm, RedactionMarkForm, show_service_error

bp = Blueprint("disclosure", __name__, url_prefix="/disclosure")

exporters_only = role_required(StaffRole.ADMIN, StaffRole.RECORDS)


def options_of(form: DisclosureExportForm) -> disclosure.ExportOptions:
    return disclosure.ExportOptions(form.requester.data or "", form.include_attachments.data, form.include_notes.data)


def download(export: disclosure.Export):
    response = send_file(export.file, mimetype="application/zip", as_attachment=True,
                         download_name=export.filename)
    response.headers["Cache-Control"] = "no-store"
    return response


def render_index(form: DisclosureSetForm):
    return render_template("staff/disclosure/index.html", form=form), 400 if form.errors else 200


@bp.get("/")
@exporters_only
def index():
    return render_index(DisclosureSetForm(formdata=None))


@bp.post("/export")
@exporters_only
def export_set():
    form = DisclosureSetForm()
    if form.validate_on_submit():
        filters = disclosure.ExportFilters(form.kind.data or "", (form.category.data or "").strip(),
                                           form.received_from.data, form.received_to.data)
        try:
            return download(disclosure.export_set(g.staff, filters, options_of(form),
                                                  current_app.config["PORTAL_UPLOAD_FOLDER"],
                                                  current_app.config["PORTAL_TIMEZONE"]))
        except InvalidInput as error:
            show_service_error(form, error, "requester")
    return render_index(form)


def render_item(public_id, export_form: DisclosureExportForm | None = None,
                mark_form: RedactionMarkForm | None = None):
    item = disclosure.disclosure_item(g.staff, str(public_id))
    export_form = export_form or DisclosureExportForm(formdata=None)
    parts, redactions = disclosure.redacted_sections(item, bool(export_form.include_notes.data))
    mark_form = mark_form or RedactionMarkForm(formdata=None)
    return render_template("staff/disclosure/item.html", item=item, parts=parts, redactions=redactions,
                           marks=disclosure.marks_of(item), export_form=export_form, mark_form=mark_form), \
        400 if export_form.errors or mark_form.errors else 200


@bp.get("/items/<uuid:public_id>")
@exporters_only
def item(public_id):
    return render_item(public_id)


@bp.post("/items/<uuid:public_id>/export")
@exporters_only
def export_item(public_id):
    form = DisclosureExportForm()
    if form.validate_on_submit():
        try:
            return download(disclosure.export_item(g.staff, str(public_id), options_of(form),
                                                   current_app.config["PORTAL_UPLOAD_FOLDER"]))
        except InvalidInput as error:
            show_service_error(form, error, "requester")
    return render_item(public_id, export_form=form)


@bp.post("/items/<uuid:public_id>/marks")
def add_mark(public_id):
    """Anyone who may open the case marks text in it, and records staff any submission; the form
    is on the case page, and for records staff on the disclosure page, which a failure shows again."""
    form = RedactionMarkForm()
    if form.validate_on_submit():
        try:
            disclosure.add_mark(g.staff, str(public_id), form.marked_text.data or "", form.mark_reason.data or "")
        except InvalidInput as error:
            show_service_error(form, error, "marked_text")
        else:
            flash("Marked: it is redacted from every public records export of this submission.")
            return redirect(url_for("disclosure.item" if disclosure.can_export(g.staff) else "cases.detail",
                                    public_id=public_id))
    if disclosure.can_export(g.staff):
        return render_item(public_id, mark_form=form)
    return render_detail(disclosure.disclosure_item(g.staff, str(public_id)), status=400, mark_form=form)
