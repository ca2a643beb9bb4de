"""Community notices: authoring, supervisor review (General Order 227 D.a), the policy check
before anything goes out, updates, cancellations, and what the public may see."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from urllib.parse import urlsplit

from sqlalchemy.exc import SQLAlchemyError

from portal import sanitize
from portal.exceptions import InvalidInput, NotFound, PermissionDenied
from portal.extensions import db
from portal.languages import DEFAULT_LANGUAGE, N_, translate
from portal.models import Area, Notice, NoticeEvent, NoticeState, NoticeType, StaffRole, StaffUser
from portal.models.base import new_public_id
from portal.services import attachments, audit, publishing_policy, storage
from portal.services.metadata import UnacceptableFile, clean_upload
from portal.services.department import current_profile, list_official_accounts

log = logging.getLogger(__name__)

AUTHORS = frozenset({StaffRole.COMMUNICATIONS, StaffRole.SUPERVISOR, StaffRole.ADMIN})
REVIEWERS = frozenset({StaffRole.SUPERVISOR, StaffRole.ADMIN})
# May go out before a supervisor has looked (General Order 227 E.c); reviewed afterwards.
TIME_SENSITIVE = frozenset({NoticeType.ROAD_CLOSURE, NoticeType.SPECIAL_EVENT, NoticeType.WEATHER_EMERGENCY,
                            NoticeType.MISSING_PERSON})
# Shown as a banner on every public page while active, and published as CAP alerts.
EMERGENCY = frozenset({NoticeType.WEATHER_EMERGENCY, NoticeType.MISSING_PERSON})
# Those that ask the public for information: they link to the anonymous tip form.
APPEALS = frozenset({NoticeType.MISSING_PERSON, NoticeType.WANTED_PERSON})

TYPE_NAMES = {
    NoticeType.ROAD_CLOSURE: N_("Road closure"),
    NoticeType.SPECIAL_EVENT: N_("Special event"),
    NoticeType.WEATHER_EMERGENCY: N_("Weather emergency"),
    NoticeType.MISSING_PERSON: N_("Missing or endangered person"),
    NoticeType.WANTED_PERSON: N_("Wanted person / appeal for information"),
    NoticeType.EMPLOYMENT: N_("Employment opportunity"),
    NoticeType.GENERAL: N_("General notice"),
}
# How the public pages name an author's role ("Posted by ..., supervisor").
ROLE_NAMES = {
    StaffRole.ADMIN: N_("admin"),
    StaffRole.SUPERVISOR: N_("supervisor"),
    StaffRole.INVESTIGATOR: N_("investigator"),
    StaffRole.COMMUNICATIONS: N_("communications"),
    StaffRole.RECORDS: N_("records"),
}
# CAP 1.2 value lists, in the order the form offers them.
SEVERITIES = ("Extreme", "Severe", "Moderate", "Minor", "Unknown")
URGENCIES = ("Immediate", "Expected", "Future", "Past", "Unknown")
CERTAINTIES = ("Observed", "Likely", "Possible", "Unlikely", "Unknown")
MAX_LIFETIME = timedelta(days=366)
PAGE_SIZE = 20
SHARE_LIMIT = 280


@dataclass(frozen=True)
class NoticeInput:
    notice_type: str
    title: str
    summary: str
    body: str
    starts_at: datetime
    expires_at: datetime
    area_id: int | None = None
    places: str = ""
    severity: str = ""
    urgency: str = ""
    certainty: str = ""
    # A new picture as uploaded (None keeps the current one), its description, or its removal.
    image: bytes | None = None
    image_alt: str = ""
    remove_image: bool = False


@dataclass(frozen=True)
class NoticeSettings:
    """What the policy check and pictures need from configuration."""

    extra_link_hosts: tuple[str, ...] = ()
    department_settings: dict | None = None
    media_folder: str = ""


def require_author(user: StaffUser) -> None:
    if user.role not in AUTHORS:
        raise PermissionDenied("notices")


def is_reviewer(user: StaffUser) -> bool:
    return user.role in REVIEWERS


def own_details(settings: NoticeSettings) -> publishing_policy.OwnDetails:
    """The department's phones, e-mail, address and sites: the policy must not flag its own details."""
    profile = current_profile(settings.department_settings or {})
    sites = [profile.website_url, profile.facebook_url] + [account.url for account in list_official_accounts()]
    if profile.twitter_handle:
        sites.append(f"https://x.com/{profile.twitter_handle}")
    hosts = {(urlsplit(site).hostname or "").removeprefix("www.") for site in sites} | set(settings.extra_link_hosts)
    return publishing_policy.OwnDetails(
        phones=(profile.emergency_phone, profile.non_emergency_phone),
        texts=(profile.email, profile.street_address),
        hosts=tuple(sorted(host for host in hosts if host)),
    )


def policy_warnings(notice: Notice, settings: NoticeSettings) -> list[publishing_policy.PolicyWarning]:
    return publishing_policy.check_notice(
        notice.notice_type.value, {"title": notice.title, "summary": notice.summary, "places": notice.places},
        notice.body_html, own_details(settings))


def checked_input(entry: NoticeInput) -> NoticeInput:
    """Field by field, each refusal naming its field; the body is cleaned, the rest kept as typed."""
    if entry.notice_type not in {member.value for member in NoticeType}:
        raise InvalidInput("Choose the kind of notice.", "notice_type")
    title = sanitize.plain_text(entry.title, Notice.MAX_TITLE, "title").strip()
    summary = sanitize.plain_text(entry.summary, Notice.MAX_SUMMARY, "summary").strip()
    if not title:
        raise InvalidInput("Write a title.", "title")
    if not summary:
        raise InvalidInput("Write a short summary: it is what feeds and shared posts show.", "summary")
    if entry.expires_at <= entry.starts_at:
        raise InvalidInput("The notice must expire after it starts.", "expires_at")
    if entry.expires_at - entry.starts_at > MAX_LIFETIME:
        raise InvalidInput("A notice can run for a year at most; post a new one after that.", "expires_at")
    if entry.area_id is not None and db.session.get(Area, entry.area_id) is None:
        raise InvalidInput("Choose an existing area.", "area_id")
    emergency = entry.notice_type in EMERGENCY
    for field, value, allowed in (("severity", entry.severity, SEVERITIES), ("urgency", entry.urgency, URGENCIES),
                                  ("certainty", entry.certainty, CERTAINTIES)):
        if emergency and value not in allowed:
            raise InvalidInput(f"Choose the {field} of this emergency.", field)
    return NoticeInput(
        entry.notice_type, title, summary, sanitize.plain_text(entry.body, Notice.MAX_BODY, "body"),
        entry.starts_at, entry.expires_at, entry.area_id,
        sanitize.plain_text(entry.places, Notice.MAX_PLACES, "places").strip(),
        entry.severity if emergency else "", entry.urgency if emergency else "",
        entry.certainty if emergency else "", entry.image,
        sanitize.plain_text(entry.image_alt, Notice.MAX_IMAGE_ALT, "image_alt").strip(), entry.remove_image)


def apply_input(notice: Notice, entry: NoticeInput) -> None:
    notice.notice_type = NoticeType(entry.notice_type)
    notice.title, notice.summary, notice.places = entry.title, entry.summary, entry.places
    notice.body_source, notice.body_html = entry.body, sanitize.rich_text_html(entry.body)
    notice.starts_at, notice.expires_at, notice.area_id = entry.starts_at, entry.expires_at, entry.area_id
    notice.severity, notice.urgency, notice.certainty = entry.severity, entry.urgency, entry.certainty


def attach_image(notice: Notice, entry: NoticeInput, folder: str, written: list[str]) -> str:
    """The picture part of an edit: a new picture is re-encoded from its pixels (no location,
    camera or author data reaches the public) and must be described. Returns the stored name that
    the change replaces, to delete once it has committed."""
    previous = notice.image_name
    keeps_picture = entry.image is not None or (previous and not entry.remove_image)
    if keeps_picture and not entry.image_alt:
        raise InvalidInput("Describe the picture for people who cannot see it.", "image_alt")
    if entry.image is not None:
        try:
            cleaned = clean_upload(entry.image)
        except UnacceptableFile as reason:
            raise InvalidInput(f"The picture {reason}", "image") from None
        if not cleaned.media_type.startswith("image/"):
            raise InvalidInput("The picture must be a photo (JPEG, PNG, WebP or GIF).", "image")
        notice.image_name = storage.write_file(folder, cleaned.data)
        written.append(notice.image_name)
        notice.image_type, notice.image_removed = cleaned.media_type, "; ".join(cleaned.removed)[:300]
    elif entry.remove_image:
        notice.image_name = notice.image_type = notice.image_removed = ""
    notice.image_alt = entry.image_alt if notice.image_name else ""
    return previous if previous and previous != notice.image_name else ""


def save(notice: Notice, user: StaffUser, action: str, entry: NoticeInput | None, settings: NoticeSettings,
         now: datetime, *, note: str = "", message_type: str = "", before_commit=None) -> Notice:
    """One transaction for the text, the picture file and the history entry: if any part fails,
    nothing is kept, not even the file."""
    replaced = ""
    with attachments.files_with_transaction(settings.media_folder) as written:
        if entry is not None:
            apply_input(notice, entry)
            replaced = attach_image(notice, entry, settings.media_folder, written)
        if before_commit is not None:
            before_commit()
        record_event(notice, user, action, now, note=note, message_type=message_type)
        db.session.commit()
    if replaced:
        storage.delete_files(settings.media_folder, [replaced])
    return notice


def record_event(notice: Notice, user: StaffUser, action: str, now: datetime, *, note: str = "",
                 message_type: str = "") -> None:
    notice.events.append(NoticeEvent(action=action, staff_user_id=user.id, note=note, message_type=message_type,
                                     title=notice.title, summary=notice.summary, created_at=now))
    notice.updated_at = now
    audit.record(f"notice.{action}", user.email, staff_user_id=user.id, target=notice.public_id,
                 detail=note[:200])


def create_notice(user: StaffUser, entry: NoticeInput, settings: NoticeSettings,
                  now: datetime | None = None) -> Notice:
    require_author(user)
    now = now or datetime.now(timezone.utc)
    entry = checked_input(entry)
    # The id is set now, not at flush, because the audit entry names it.
    notice = Notice(public_id=new_public_id(), state=NoticeState.DRAFT, author_id=user.id, created_at=now,
                    updated_at=now)
    db.session.add(notice)
    return save(notice, user, "created", entry, settings, now)


def get_for_staff(user: StaffUser, notice_id: int) -> Notice:
    require_author(user)
    notice = db.session.get(Notice, notice_id)
    if notice is None:
        raise NotFound("notice")
    return notice


def require_editor(user: StaffUser, notice: Notice) -> None:
    """Its author, or a supervisor; and only before it is out, since after that changes are updates."""
    if notice.author_id != user.id and not is_reviewer(user):
        raise PermissionDenied("notice")
    if notice.state not in (NoticeState.DRAFT, NoticeState.IN_REVIEW):
        raise InvalidInput("A published notice changes by an update, which the public sees as one.", "title")


def edit_notice(user: StaffUser, notice_id: int, entry: NoticeInput, settings: NoticeSettings,
                now: datetime | None = None) -> Notice:
    now = now or datetime.now(timezone.utc)
    notice = get_for_staff(user, notice_id)
    require_editor(user, notice)
    return save(notice, user, "edited", checked_input(entry), settings, now)


def submit_for_review(user: StaffUser, notice_id: int, now: datetime | None = None) -> Notice:
    now = now or datetime.now(timezone.utc)
    notice = get_for_staff(user, notice_id)
    require_editor(user, notice)
    if notice.state != NoticeState.DRAFT:
        raise InvalidInput("This notice is already waiting for review.", "title")
    notice.state = NoticeState.IN_REVIEW
    record_event(notice, user, "submitted", now)
    db.session.commit()
    return notice


def return_to_author(user: StaffUser, notice_id: int, reason: str, now: datetime | None = None) -> Notice:
    now = now or datetime.now(timezone.utc)
    notice = get_for_staff(user, notice_id)
    if not is_reviewer(user):
        raise PermissionDenied("notice review")
    if notice.state != NoticeState.IN_REVIEW:
        raise InvalidInput("Only a notice waiting for review can be returned.", "reason")
    reason = sanitize.plain_text(reason, NoticeEvent.MAX_NOTE, "reason").strip()
    if not reason:
        raise InvalidInput("Tell the author what to change.", "reason")
    notice.state = NoticeState.DRAFT
    record_event(notice, user, "returned", now, note=reason)
    db.session.commit()
    return notice


def check_before_publishing(user: StaffUser, notice: Notice, settings: NoticeSettings, override_reason: str,
                            now: datetime) -> None:
    """Warnings stop the notice unless a supervisor publishes over them and says why."""
    note = publishing_policy.override_note(policy_warnings(notice, settings), is_reviewer(user), override_reason)
    if note:
        record_event(notice, user, "policy-override", now, note=note)


def publish(user: StaffUser, notice_id: int, settings: NoticeSettings, override_reason: str = "",
            now: datetime | None = None) -> Notice:
    """A supervisor approves and publishes; an author may publish a time-sensitive notice at once,
    which flags it for a supervisor's review afterwards."""
    now = now or datetime.now(timezone.utc)
    notice = get_for_staff(user, notice_id)
    if notice.state not in (NoticeState.DRAFT, NoticeState.IN_REVIEW):
        raise InvalidInput("This notice is already out.", "title")
    at_once = not is_reviewer(user)
    if at_once and (notice.author_id != user.id or notice.notice_type not in TIME_SENSITIVE):
        raise PermissionDenied("publish without review")
    if notice.expires_at <= now:
        raise InvalidInput("This notice has already expired: change its expiry first.", "expires_at")
    check_before_publishing(user, notice, settings, override_reason, now)
    notice.state, notice.published_at, notice.awaiting_review = NoticeState.PUBLISHED, now, at_once
    record_event(notice, user, "published-at-once" if at_once else "approved", now, message_type="Alert")
    db.session.commit()
    return notice


def mark_reviewed(user: StaffUser, notice_id: int, now: datetime | None = None) -> Notice:
    now = now or datetime.now(timezone.utc)
    notice = get_for_staff(user, notice_id)
    if not is_reviewer(user):
        raise PermissionDenied("notice review")
    if not notice.awaiting_review:
        raise InvalidInput("Nothing here is waiting for review.", "title")
    notice.awaiting_review = False
    record_event(notice, user, "reviewed", now)
    db.session.commit()
    return notice


def published_for_change(user: StaffUser, notice_id: int, note: str, ask: str) -> tuple[Notice, str]:
    """A published notice its author or a supervisor changes in public, with the line the public reads."""
    notice = get_for_staff(user, notice_id)
    if notice.author_id != user.id and not is_reviewer(user):
        raise PermissionDenied("notice")
    if notice.state != NoticeState.PUBLISHED:
        raise InvalidInput("Only a published notice can be updated or cancelled.", "note")
    note = sanitize.plain_text(note, NoticeEvent.MAX_NOTE, "note").strip()
    if not note:
        raise InvalidInput(ask, "note")
    return notice, note


def post_update(user: StaffUser, notice_id: int, entry: NoticeInput, note: str, settings: NoticeSettings,
                override_reason: str = "", now: datetime | None = None) -> Notice:
    """A published notice changes in public ("road reopened"); its earlier versions stay in its history."""
    now = now or datetime.now(timezone.utc)
    notice, note = published_for_change(user, notice_id, note,
                                        "Say what changed, in a line the public will read (\"Road reopened\").")
    entry = checked_input(entry)
    if entry.notice_type != notice.notice_type.value:
        raise InvalidInput("An update keeps the kind of notice; cancel it and post a new one instead.", "notice_type")

    def checked() -> None:
        check_before_publishing(user, notice, settings, override_reason, now)
        notice.awaiting_review = notice.awaiting_review or not is_reviewer(user)

    return save(notice, user, "updated", entry, settings, now, note=note, message_type="Update",
                before_commit=checked)


def cancel(user: StaffUser, notice_id: int, note: str, now: datetime | None = None) -> Notice:
    """Withdrawn ("found safe"): it leaves the active list and banner at once but stays on record."""
    now = now or datetime.now(timezone.utc)
    notice, note = published_for_change(user, notice_id, note,
                                        "Say why, in a line the public will read (\"Found safe\").")
    notice.state = NoticeState.CANCELLED
    record_event(notice, user, "cancelled", now, note=note, message_type="Cancel")
    db.session.commit()
    return notice


@dataclass(frozen=True)
class StaffOverview:
    drafts: list[Notice]
    in_review: list[Notice]
    awaiting_review: list[Notice]
    active: list[Notice]
    ended: list[Notice]


def staff_overview(user: StaffUser, now: datetime | None = None) -> StaffOverview:
    require_author(user)
    now = now or datetime.now(timezone.utc)
    newest = db.select(Notice).order_by(Notice.updated_at.desc(), Notice.id.desc())
    drafts = newest.where(Notice.state == NoticeState.DRAFT)
    if not is_reviewer(user):
        drafts = drafts.where(Notice.author_id == user.id)
    published = newest.where(Notice.state == NoticeState.PUBLISHED)
    return StaffOverview(
        drafts=list(db.session.scalars(drafts)),
        in_review=list(db.session.scalars(newest.where(Notice.state == NoticeState.IN_REVIEW))),
        awaiting_review=list(db.session.scalars(published.where(Notice.awaiting_review))),
        active=list(db.session.scalars(published.where(Notice.expires_at > now))),
        ended=list(db.session.scalars(newest.where(
            (Notice.state == NoticeState.CANCELLED) | ((Notice.state == NoticeState.PUBLISHED)
                                                       & (Notice.expires_at <= now))).limit(PAGE_SIZE))),
    )


def public_query():
    return db.select(Notice).where(Notice.state.in_((NoticeState.PUBLISHED, NoticeState.CANCELLED)))


def active_notices(notice_type: str = "", now: datetime | None = None,
                   types: frozenset[NoticeType] | None = None) -> list[Notice]:
    """Published, started and not yet expired: expiry needs no job, the query leaves them out."""
    now = now or datetime.now(timezone.utc)
    query = public_query().where(Notice.state == NoticeState.PUBLISHED, Notice.starts_at <= now,
                                 Notice.expires_at > now)
    if notice_type:
        query = query.where(Notice.notice_type == notice_type)
    if types is not None:
        query = query.where(Notice.notice_type.in_(types))
    return list(db.session.scalars(query.order_by(Notice.published_at.desc(), Notice.id.desc())))


def active_emergencies(now: datetime | None = None) -> list[Notice]:
    """For the banner on every public page, including the page that says the database is down:
    a database error here means no banner, never a failed page."""
    try:
        # Runs on every public page: only the emergencies are read, not every active notice.
        return active_notices(now=now, types=EMERGENCY)
    except SQLAlchemyError as error:
        db.session.rollback()
        log.warning("emergency banner unavailable: %s", type(error).__name__)
        return []


# The tip category a tip answering an appeal starts in.
APPEAL_TIP_CATEGORIES = {NoticeType.MISSING_PERSON: "missing-persons", NoticeType.WANTED_PERSON: "wanted-persons"}


def appeal_for_tip(notice_id: int | None) -> Notice | None:
    """The public appeal a tip answers, or None: a wrong or stale number never stops a tip."""
    if not notice_id:
        return None
    notice = db.session.scalars(public_query().where(Notice.id == notice_id)).first()
    return notice if notice is not None and notice.notice_type in APPEALS else None


@dataclass(frozen=True)
class ArchivePage:
    notices: list[Notice]
    page: int
    pages: int


def archive(page: int = 1, now: datetime | None = None) -> ArchivePage:
    now = now or datetime.now(timezone.utc)
    query = public_query().where((Notice.state == NoticeState.CANCELLED) | (Notice.expires_at <= now))
    total = db.session.scalar(db.select(db.func.count()).select_from(query.subquery()))
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 1), pages)
    found = db.session.scalars(query.order_by(Notice.published_at.desc(), Notice.id.desc())
                               .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE))
    return ArchivePage(list(found), page, pages)


def public_image(notice_id: int, folder: str) -> tuple[bytes, str]:
    notice = public_notice(notice_id)
    if not notice.image_name:
        raise NotFound("notice picture")
    return storage.read_file(folder, notice.image_name), notice.image_type


def public_notice(notice_id: int) -> Notice:
    notice = db.session.scalars(public_query().where(Notice.id == notice_id)).first()
    if notice is None:
        raise NotFound("notice")
    return notice


def is_active(notice: Notice, now: datetime | None = None) -> bool:
    now = now or datetime.now(timezone.utc)
    return notice.state == NoticeState.PUBLISHED and notice.starts_at <= now < notice.expires_at


def is_upcoming(notice: Notice, now: datetime | None = None) -> bool:
    return notice.state == NoticeState.PUBLISHED and (now or datetime.now(timezone.utc)) < notice.starts_at


def published_versions(notice: Notice) -> list[NoticeEvent]:
    """The steps the public saw: the first publication, each update, the cancellation."""
    return [event for event in notice.events if event.message_type]


def share_text(notice: Notice, url: str, language: str = DEFAULT_LANGUAGE) -> str:
    """Ready to paste into a post: type, title and as much of the summary as fits, then the link."""
    head = f"{translate(language, TYPE_NAMES[notice.notice_type])}: {notice.title}"
    if notice.state == NoticeState.CANCELLED:
        head = translate(language, N_("Cancelled: %(notice)s"), notice=head)
    room = SHARE_LIMIT - len(url) - 1
    text = f"{head}. {notice.summary}"
    if len(text) > room:
        text = text[:room - 1].rstrip() + "…"
    return f"{text} {url}"
