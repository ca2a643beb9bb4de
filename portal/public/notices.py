"""Community notices for residents: the active list, the archive, a page per notice, and feeds."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, render_template, request, url_for

from portal.language_choice import current_language
from portal.models import NoticeType
from portal.public.page_cache import shared_page
from portal.services import feeds, notices
from portal.services.department import current_profile

bp = Blueprint("notices", __name__, url_prefix="/notices")


def absolute(endpoint: str, **values) -> str:
    """From the configured site address, never the Host header."""
    return current_app.config["PORTAL_SITE_URL"].rstrip("/") + url_for(endpoint, **values)


@bp.get("/")
@shared_page
def index():
    wanted = request.args.get("type", "")
    notice_type = wanted if wanted in {kind.value for kind in NoticeType} else ""
    return render_template("public/notices/index.html", notices=notices.active_notices(notice_type),
                           notice_type=notice_type, type_names=notices.TYPE_NAMES)


@bp.get("/archive")
@shared_page
def archive():
    page = request.args.get("page", 1, type=int)
    return render_template("public/notices/archive.html", archive=notices.archive(page),
                           type_names=notices.TYPE_NAMES)


@bp.get("/<int:notice_id>")
@shared_page
def detail(notice_id: int):
    notice = notices.public_notice(notice_id)
    url = absolute("notices.detail", notice_id=notice.id)
    return render_template("public/notices/detail.html", notice=notice, type_names=notices.TYPE_NAMES,
                           role_names=notices.ROLE_NAMES, active=notices.is_active(notice),
                           upcoming=notices.is_upcoming(notice), versions=notices.published_versions(notice),
                           appeal=notice.notice_type in notices.APPEALS,
                           share=notices.share_text(notice, url, current_language()),
                           cap=notice.notice_type in notices.EMERGENCY)


def feed_site() -> feeds.FeedSite:
    department = current_profile(current_app.config["PORTAL_DEPARTMENT"])
    return feeds.FeedSite(
        name=department.name, sender=department.email, phone=department.non_emergency_phone,
        jurisdiction=department.jurisdiction, feed_url=absolute(request.endpoint, **(request.view_args or {})),
        home_url=absolute("notices.index"), notice_url=lambda notice: absolute("notices.detail", notice_id=notice.id),
        cap_url=lambda notice: absolute("notices.cap", notice_id=notice.id),
        time_zone=current_app.config["PORTAL_TIMEZONE"])


@bp.get("/feed.atom")
def atom():
    return Response(feeds.atom(feeds.latest_notices(), feed_site()), mimetype="application/atom+xml")


@bp.get("/feed.rss")
def rss():
    return Response(feeds.rss(feeds.latest_notices(), feed_site()), mimetype="application/rss+xml")


@bp.get("/feed.json")
def json_feed():
    return Response(feeds.json_feed(feeds.latest_notices(), feed_site()), mimetype="application/feed+json")


@bp.get("/alerts.atom")
def cap_index():
    """The index of CAP alerts, as emergency alert aggregators expect: an Atom feed linking each one."""
    return Response(feeds.cap_index(feeds.latest_notices(emergency_only=True), feed_site()),
                    mimetype="application/atom+xml")


@bp.get("/<int:notice_id>/picture")
def picture(notice_id: int):
    data, media_type = notices.public_image(notice_id, current_app.config["PORTAL_MEDIA_FOLDER"])
    response = Response(data, mimetype=media_type)
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@bp.get("/<int:notice_id>/cap.xml")
def cap(notice_id: int):
    notice = notices.public_notice(notice_id)
    if notice.notice_type not in notices.EMERGENCY:
        abort(404)
    return Response(feeds.cap_alert(notice, feed_site()), mimetype="application/cap+xml")
