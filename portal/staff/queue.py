"""The triage queue: what the signed-in person may see, filtered, searched and paged."""

from __future__ import annotations

from datetime import datetime, timezone

from flask import Blueprint, g, render_template, request

from portal.services import casework
from portal.staff.forms import QueueFilterForm

bp = Blueprint("queue", __name__, url_prefix="/queue")


@bp.get("/")
def index():
    form = QueueFilterForm(formdata=request.args)
    form.validate()
    filters = casework.QueueFilters(
        kind=form.kind.data or "", category=(form.category.data or "").strip(),
        state=form.state.data if form.state.data is not None else "open", overdue=form.overdue.data == "yes",
        search=form.search.data or "", oldest_first=form.sort.data != "newest",
        page=form.page.data if not form.page.errors and form.page.data else 1)
    page = casework.list_queue(g.staff, filters)
    return render_template("staff/queue/index.html", form=form, page=page, now=datetime.now(timezone.utc))
