"""The triage queue: what the signed-in person may see, filtered, searched and paged."""

from __future__ import annotations

from datetime import datetime, timezone

from flask import Blueprint, g, render_template, request
from wtforms.fields.choices import SelectChoice

from portal.services import casework, staff_accounts
from portal.staff.forms import QueueFilterForm

bp = Blueprint("queue", __name__, url_prefix="/queue")


@bp.get("/")
def index():
    form = QueueFilterForm(formdata=request.args)
    units = staff_accounts.list_units()
    form.unit.choices = [SelectChoice(0, "Any unit")] + [SelectChoice(unit.id, unit.name) for unit in units]
    form.assignee.choices = [SelectChoice(0, "Anyone")] + [
        SelectChoice(member.id, member.display_name) for unit in units for member in unit.members]
    form.validate()
    filters = casework.QueueFilters(
        kind=form.kind.data or "", category=(form.category.data or "").strip() if not form.category.errors else "",
        state=form.state.data if form.state.data is not None else "open", overdue=form.overdue.data == "yes",
        unit_id=form.unit.data or None if not form.unit.errors else None,
        assignee_id=form.assignee.data or None if not form.assignee.errors else None,
        search=form.search.data or "" if not form.search.errors else "", order=form.sort.data or "oldest",
        page=form.page.data if not form.page.errors and form.page.data else 1)
    page = casework.list_queue(g.staff, filters)
    return render_template("staff/queue/index.html", form=form, page=page, now=datetime.now(timezone.utc))
