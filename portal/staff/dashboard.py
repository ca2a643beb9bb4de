"""The back office's landing page; the queues arrive with the back office issue."""

from flask import Blueprint, render_template

bp = Blueprint("dashboard", __name__)


@bp.get("/")
def index():
    return render_template("staff/dashboard/index.html")
