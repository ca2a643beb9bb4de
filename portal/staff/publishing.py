"""Writing, reviewing and publishing community notices (communications staff, supervisors, admins)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, timezone

from flask import Blueprint, current_app, flash, g, redirect, render_template, url_for
from wtforms.fields.choices import SelectChoice

from portal.exceptions import InvalidInput, PermissionDenied
from portal.local_time import local_to_utc, utc_to_local
from portal.models import Notice, NoticeState, StaffRole
from portal.services import casework, notices
from portal.services.publishing_policy import PolicyBlocked
from portal.staff.decorators import role_required
from portal.staff.forms import (NoticeForm, NoticeNoteForm, NoticeUpdateForm, PublishForm, refusals_in_words,
                                show_service_error)

bp = Blueprint("publishing", __name__, url_prefix="/notices")

authors_only = role_required(*notices.AUTHORS)


def notice_settings() -> notices.NoticeSettings:
    config = current_app.config
    return notices.NoticeSettings(tuple(config["PORTAL_LINK_ALLOWLIST"]), config["PORTAL_DEPARTMENT"],
                                  config["PORTAL_MEDIA_FOLDER"])


def with_areas(form: NoticeForm) -> NoticeForm:
    form.area_id.choices = [SelectChoice(0, "(none: use the places field)")] + [
        SelectChoice(area.id, area.name) for area in casework.list_areas()]
    return form


def notice_input(form: NoticeForm) -> notices.NoticeInput:
    return notices.NoticeInput(
        notice_type=form.notice_type.data, title=form.title.data or "", summary=form.summary.data or "",
        body=form.body.data or "", starts_at=local_to_utc(form.starts_at.data),
        expires_at=local_to_utc(form.expires_at.data), area_id=form.area_id.data or None,
        places=form.places.data or "", severity=form.severity.data or "", urgency=form.urgency.data or "",
        certainty=form.certainty.data or "", image=chosen_picture(form), image_alt=form.image_alt.data or "",
        remove_image=bool(form.remove_image.data))


def chosen_picture(form: NoticeForm) -> bytes | None:
    picture = form.image.data
    return picture.read() if picture and picture.filename else None


def form_for(notice: Notice, form_class: type[NoticeForm] = NoticeForm) -> NoticeForm:
    return with_areas(form_class(obj=notice, notice_type=notice.notice_type.value, body=notice.body_source,
                                 starts_at=utc_to_local(notice.starts_at), expires_at=utc_to_local(notice.expires_at),
                                 area_id=notice.area_id or 0))


def show_error(form, error: InvalidInput) -> None:
    show_service_error(form, error, "title")


def save_or_show(form, save: Callable[[], object], warnings: list) -> tuple[object | None, list]:
    """What the save returned, or None with the refusal next to its field (and, when the policy
    check stopped it, the warnings it found)."""
    try:
        return save(), warnings
    except PolicyBlocked as blocked:
        show_error(form, blocked)
        return None, blocked.warnings
    except InvalidInput as error:
        show_error(form, error)
        return None, warnings


def render_editor(form: NoticeForm, notice: Notice | None, warnings=()):
    return render_template("staff/publishing/edit.html", form=form, notice=notice, warnings=list(warnings),
                           type_names=notices.TYPE_NAMES), 400 if form.errors else 200


def render_detail(notice: Notice, publish_form: PublishForm | None = None, status: int = 200):
    return render_template(
        "staff/publishing/detail.html", notice=notice, warnings=notices.policy_warnings(notice, notice_settings()),
        publish_form=publish_form or PublishForm(formdata=None), note_form=NoticeNoteForm(formdata=None),
        type_names=notices.TYPE_NAMES, time_sensitive=notice.notice_type in notices.TIME_SENSITIVE,
        reviewer=notices.is_reviewer(g.staff), share=notices.share_text(notice, public_url(notice)),
        public=notices.is_active(notice)), status


def public_url(notice: Notice) -> str:
    return f"{current_app.config['PORTAL_SITE_URL'].rstrip('/')}/notices/{notice.id}"


@bp.get("/")
@authors_only
def index():
    return render_template("staff/publishing/index.html", overview=notices.staff_overview(g.staff),
                           type_names=notices.TYPE_NAMES)


@bp.route("/new", methods=["GET", "POST"])
@authors_only
def new():
    now = datetime.now(timezone.utc).replace(second=0, microsecond=0)
    form = with_areas(NoticeForm(starts_at=utc_to_local(now), expires_at=utc_to_local(now + timedelta(days=1))))
    if form.validate_on_submit():
        notice, _warnings = save_or_show(
            form, lambda: notices.create_notice(g.staff, notice_input(form), notice_settings()), [])
        if notice is not None:
            flash("Draft saved. Check it, then submit it for review or publish it.")
            return redirect(url_for("publishing.detail", notice_id=notice.id))
    return render_editor(form, None)


@bp.get("/<int:notice_id>")
@authors_only
def detail(notice_id: int):
    return render_detail(notices.get_for_staff(g.staff, notice_id))


@bp.route("/<int:notice_id>/edit", methods=["GET", "POST"])
@authors_only
def edit(notice_id: int):
    notice = notices.get_for_staff(g.staff, notice_id)
    if notice.state not in (NoticeState.DRAFT, NoticeState.IN_REVIEW):
        flash("It is out: a change to it is an update, which the public sees as one.")
        return redirect(url_for("publishing.update" if notice.state == NoticeState.PUBLISHED else "publishing.detail",
                                notice_id=notice_id))
    form = form_for(notice)
    warnings = notices.policy_warnings(notice, notice_settings())
    if form.validate_on_submit():
        saved, warnings = save_or_show(
            form, lambda: notices.edit_notice(g.staff, notice_id, notice_input(form), notice_settings()), warnings)
        if saved is not None:
            flash("Changes saved.")
            return redirect(url_for("publishing.detail", notice_id=notice_id))
    return render_editor(form, notice, warnings)


@bp.route("/<int:notice_id>/update", methods=["GET", "POST"])
@authors_only
def update(notice_id: int):
    notice = notices.get_for_staff(g.staff, notice_id)
    if notice.state != NoticeState.PUBLISHED:
        return redirect(url_for("publishing.detail", notice_id=notice_id))
    form = form_for(notice, NoticeUpdateForm)
    warnings = notices.policy_warnings(notice, notice_settings())
    if form.validate_on_submit():
        saved, warnings = save_or_show(form, lambda: notices.post_update(
            g.staff, notice_id, notice_input(form), form.note.data, notice_settings(),
            form.override_reason.data or ""), warnings)
        if saved is not None:
            flash("Update published.")
            return redirect(url_for("publishing.detail", notice_id=notice_id))
    return render_editor(form, notice, warnings)


def change_and_show(notice_id: int, change, done: str):
    """Run a state change; its outcome, good or not, is a message on the notice's page."""
    try:
        change()
        flash(done)
    except InvalidInput as error:
        flash(str(error))
    return redirect(url_for("publishing.detail", notice_id=notice_id))


@bp.post("/<int:notice_id>/submit")
@authors_only
def submit(notice_id: int):
    return change_and_show(notice_id, lambda: notices.submit_for_review(g.staff, notice_id),
                           "Submitted: a supervisor will review it.")


@bp.post("/<int:notice_id>/publish")
@authors_only
def publish(notice_id: int):
    form = PublishForm()
    if not form.validate_on_submit():
        return render_detail(notices.get_for_staff(g.staff, notice_id), form, 400)
    try:
        notice = notices.publish(g.staff, notice_id, notice_settings(), form.override_reason.data or "")
    except PolicyBlocked as blocked:
        form.override_reason.errors.append(str(blocked))
        return render_detail(notices.get_for_staff(g.staff, notice_id), form, 400)
    except PermissionDenied:
        flash("This notice needs a supervisor's approval: submit it for review.")
    except InvalidInput as error:
        flash(str(error))
    else:
        flash("Published; a supervisor will review it afterwards." if notice.awaiting_review else "Published.")
    return redirect(url_for("publishing.detail", notice_id=notice_id))


def the_note() -> str:
    """The note typed; one the form refuses (too long, control characters) is refused with its
    reason, rather than passed on as no note at all."""
    form = NoticeNoteForm()
    if form.validate_on_submit():
        return form.note.data
    if form.note.data:
        raise InvalidInput(refusals_in_words(form), "note")
    return ""


@bp.post("/<int:notice_id>/return")
@role_required(StaffRole.SUPERVISOR, StaffRole.ADMIN)
def return_to_author(notice_id: int):
    return change_and_show(notice_id, lambda: notices.return_to_author(g.staff, notice_id, the_note()),
                           "Returned to its author.")


@bp.post("/<int:notice_id>/reviewed")
@role_required(StaffRole.SUPERVISOR, StaffRole.ADMIN)
def reviewed(notice_id: int):
    return change_and_show(notice_id, lambda: notices.mark_reviewed(g.staff, notice_id), "Marked as reviewed.")


@bp.post("/<int:notice_id>/cancel")
@authors_only
def cancel(notice_id: int):
    return change_and_show(notice_id, lambda: notices.cancel(g.staff, notice_id, the_note()),
                           "Cancelled: it left the public list and banner.")
