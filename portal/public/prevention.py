"""Crime prevention tips: an index by category, a page per category and a page per tip."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from portal.public.page_cache import shared_page
from portal.services import notices, prevention

bp = Blueprint("prevention", __name__, url_prefix="/prevention")

MAX_QUERY = 200


@bp.get("/")
@shared_page
def index():
    return render_template("public/prevention/index.html", categories=prevention.list_categories())


@bp.get("/search")
def search():
    # Bounded before it reaches the database; the search box says so too.
    query = request.args.get("q", "")[:MAX_QUERY]
    return render_template("public/prevention/search.html", query=query, tips=prevention.search(query),
                           max_query=MAX_QUERY)


@bp.get("/<slug:category_slug>/")
@shared_page
def category(category_slug: str):
    return render_template("public/prevention/category.html", category=prevention.get_category(category_slug))


@bp.get("/<slug:category_slug>/<slug:tip_slug>")
@shared_page
def tip(category_slug: str, tip_slug: str):
    return render_template("public/prevention/tip.html", tip=prevention.get_tip(category_slug, tip_slug),
                           role_names=notices.ROLE_NAMES)

