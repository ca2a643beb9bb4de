"""Notices as Atom, RSS 2.0, JSON Feed and CAP 1.2: built with an XML library, never by pasting strings."""

from __future__ import annotations

import json
from html import escape
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import format_datetime
from zoneinfo import ZoneInfo

from portal.extensions import db
from portal.models import Notice, NoticeState
from portal.services import notices, publishing_policy, routing

ATOM = "http://www.w3.org/2005/Atom"
CAP = "urn:oasis:names:tc:emergency:cap:1.2"
DC = "http://purl.org/dc/elements/1.1/"
FEED_SIZE = 50
CAP_CATEGORIES = {"weather-emergency": "Met", "missing-person": "Rescue"}


@dataclass(frozen=True)
class FeedSite:
    """Everything a feed says about where it comes from; the views fill it from configuration."""

    name: str
    sender: str
    phone: str
    jurisdiction: str
    feed_url: str
    home_url: str
    notice_url: Callable[[Notice], str]
    cap_url: Callable[[Notice], str]
    time_zone: str


def latest_notices(emergency_only: bool = False) -> list[Notice]:
    """What the public has seen, newest change first; drafts never."""
    query = notices.public_query().order_by(Notice.updated_at.desc(), Notice.id.desc()).limit(FEED_SIZE)
    if emergency_only:
        query = query.where(Notice.notice_type.in_(notices.EMERGENCY))
    return list(db.session.scalars(query))


def headline(notice: Notice) -> str:
    return f"Cancelled: {notice.title}" if notice.state == NoticeState.CANCELLED else notice.title


def byline(notice: Notice) -> str:
    """Named, never anonymous (General Order 227 C.a.ii)."""
    return f"{notice.author.display_name}, {notice.author.role.value}"


def rfc3339(value: datetime) -> str:
    return value.astimezone(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def serialize(root: ET.Element) -> bytes:
    """Namespaces are declared as attributes on the root and names written as they appear, which
    keeps ElementTree's process-wide prefix registry out of it."""
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def atom_feed(items: list[Notice], site: FeedSite, title: str) -> ET.Element:
    """An Atom feed's head; its entries are added by the caller."""
    feed = ET.Element("feed", xmlns=ATOM)
    updated = max((notice.updated_at for notice in items), default=datetime.now(timezone.utc))
    for tag, text in (("id", site.feed_url), ("title", f"{site.name}: {title}"), ("updated", rfc3339(updated))):
        ET.SubElement(feed, tag).text = text
    ET.SubElement(feed, "link", rel="self", href=site.feed_url)
    ET.SubElement(feed, "link", rel="alternate", href=site.home_url)
    ET.SubElement(ET.SubElement(feed, "author"), "name").text = site.name
    return feed


def atom_entry(feed: ET.Element, notice: Notice, entry_id: str) -> ET.Element:
    entry = ET.SubElement(feed, "entry")
    ET.SubElement(entry, "id").text = entry_id
    ET.SubElement(entry, "title").text = headline(notice)
    ET.SubElement(entry, "updated").text = rfc3339(notice.updated_at)
    return entry


def atom(items: list[Notice], site: FeedSite) -> bytes:
    feed = atom_feed(items, site, "notices")
    for notice in items:
        entry = atom_entry(feed, notice, f"urn:uuid:{notice.public_id}")
        ET.SubElement(entry, "published").text = rfc3339(notice.published_at or notice.created_at)
        ET.SubElement(entry, "link", rel="alternate", href=site.notice_url(notice))
        ET.SubElement(ET.SubElement(entry, "author"), "name").text = byline(notice)
        ET.SubElement(entry, "category", term=notice.notice_type.value,
                      label=notices.TYPE_NAMES[notice.notice_type])
        ET.SubElement(entry, "summary").text = notice.summary
        ET.SubElement(entry, "content", type="html").text = notice.body_html
    return serialize(feed)


def rss(items: list[Notice], site: FeedSite) -> bytes:
    root = ET.Element("rss", {"version": "2.0", "xmlns:atom": ATOM, "xmlns:dc": DC})
    channel = ET.SubElement(root, "channel")
    for tag, text in (("title", f"{site.name}: notices"), ("link", site.home_url),
                      ("description", f"Road closures, events, emergencies and appeals from the {site.name}."),
                      ("language", "en-us")):
        ET.SubElement(channel, tag).text = text
    if items:
        ET.SubElement(channel, "lastBuildDate").text = format_datetime(max(notice.updated_at for notice in items))
    ET.SubElement(channel, "link", rel="self", href=site.feed_url, type="application/rss+xml")
    for notice in items:
        item = ET.SubElement(channel, "item")
        ET.SubElement(item, "title").text = headline(notice)
        ET.SubElement(item, "link").text = site.notice_url(notice)
        ET.SubElement(item, "guid", isPermaLink="false").text = f"urn:uuid:{notice.public_id}"
        ET.SubElement(item, "pubDate").text = format_datetime(notice.published_at or notice.created_at)
        ET.SubElement(item, "category").text = notices.TYPE_NAMES[notice.notice_type]
        ET.SubElement(item, "dc:creator").text = byline(notice)
        ET.SubElement(item, "description").text = f"<p>{escape(notice.summary, quote=False)}</p>{notice.body_html}"
    return serialize(root)


def json_feed(items: list[Notice], site: FeedSite) -> str:
    """JSON Feed 1.1."""
    return json.dumps({
        "version": "https://jsonfeed.org/version/1.1",
        "title": f"{site.name}: notices",
        "home_page_url": site.home_url,
        "feed_url": site.feed_url,
        "language": "en-US",
        "items": [{
            "id": f"urn:uuid:{notice.public_id}",
            "url": site.notice_url(notice),
            "title": headline(notice),
            "summary": notice.summary,
            "content_html": notice.body_html,
            "date_published": rfc3339(notice.published_at or notice.created_at),
            "date_modified": rfc3339(notice.updated_at),
            "authors": [{"name": byline(notice)}],
            "tags": [notices.TYPE_NAMES[notice.notice_type]],
        } for notice in items],
    }, ensure_ascii=False, indent=1)


def cap_time(value: datetime, time_zone: str) -> str:
    """CAP wants local time with its offset, to the second, and "-00:00" rather than "Z" for UTC."""
    text = value.astimezone(ZoneInfo(time_zone)).replace(microsecond=0).isoformat()
    return text[:-6] + "-00:00" if text.endswith("+00:00") else text


def cap_identifier(site: FeedSite, event_id: int, notice: Notice) -> str:
    domain = site.sender.rpartition("@")[2] or "portal"
    return f"{domain}.notice.{notice.id}.{event_id}"


def cap_alert(notice: Notice, site: FeedSite) -> bytes:
    """The notice's latest published version as a CAP 1.2 alert, referencing every earlier one."""
    versions = notices.published_versions(notice)
    latest, earlier = versions[-1], versions[:-1]

    def add(parent: ET.Element, tag: str, text: str) -> ET.Element:
        element = ET.SubElement(parent, tag)
        element.text = text
        return element

    alert = ET.Element("alert", xmlns=CAP)
    add(alert, "identifier", cap_identifier(site, latest.id, notice))
    add(alert, "sender", site.sender)
    add(alert, "sent", cap_time(latest.created_at, site.time_zone))
    add(alert, "status", "Actual")
    add(alert, "msgType", latest.message_type)
    add(alert, "scope", "Public")
    if earlier:
        add(alert, "references", " ".join(
            f"{site.sender},{cap_identifier(site, event.id, notice)},{cap_time(event.created_at, site.time_zone)}"
            for event in earlier))
    info = ET.SubElement(alert, "info")
    add(info, "language", "en-US")
    add(info, "category", CAP_CATEGORIES[notice.notice_type.value])
    add(info, "event", notices.TYPE_NAMES[notice.notice_type])
    for tag in ("urgency", "severity", "certainty"):
        add(info, tag, getattr(notice, tag) or "Unknown")
    add(info, "onset", cap_time(notice.starts_at, site.time_zone))
    add(info, "expires", cap_time(notice.expires_at, site.time_zone))
    add(info, "senderName", site.name)
    add(info, "headline", headline(notice))
    body_text, _links = publishing_policy.readable_parts(notice.body_html)
    note = f"\n\n{latest.note}" if latest.note else ""
    add(info, "description", f"{notice.summary}\n\n{' '.join(body_text.split())}".strip() + note)
    add(info, "web", site.notice_url(notice))
    add(info, "contact", f"{site.name}, non-emergency {site.phone}; emergencies 911")
    area = ET.SubElement(info, "area")
    add(area, "areaDesc", "; ".join(part for part in (notice.area.name if notice.area else "", notice.places)
                                    if part) or site.jurisdiction)
    outline = routing.parse_outline(notice.area.outline) if notice.area and notice.area.outline else None
    if outline is not None:
        corners = [f"{lat:.6f},{lon:.6f}" for lon, lat in outline.exterior.coords]
        add(area, "polygon", " ".join(corners))
    return serialize(alert)


def cap_index(items: list[Notice], site: FeedSite) -> bytes:
    """An Atom feed whose entries link to each emergency notice's CAP alert."""
    feed = atom_feed(items, site, "CAP alerts")
    for notice in items:
        entry = atom_entry(feed, notice, f"urn:uuid:{notice.public_id}:cap")
        ET.SubElement(entry, "link", rel="alternate", type="application/cap+xml", href=site.cap_url(notice))
        ET.SubElement(entry, "summary").text = notice.summary
    return serialize(feed)
