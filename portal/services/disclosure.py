"""Public records requests: redaction marks on a submission, and the export a records clerk hands
to a requester (a zip of HTML pages, the cleaned attachments and a manifest with checksums).

What an export never holds, whatever was marked: a tipster's or reporter's contact details
(they are also redacted wherever they were typed into the text), the exact coordinates, and staff
notes unless the clerk chose to include them. Every export is audited with the zip's SHA-256.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import tempfile
import zipfile
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta, timezone
from typing import IO
from zoneinfo import ZoneInfo

from portal import sanitize
from portal.exceptions import InvalidInput, NotFound
from portal.extensions import db
from portal.models import RedactionMark, StaffRole, StaffUser, WorkItem
from portal.services import attachments, audit, casework, storage
from portal.services.redaction import Mark, mentions, redact

MAX_REQUESTER = 200
# One request, one download: a set larger than this is narrowed by the clerk, not streamed for hours.
MAX_SUBMISSIONS = 500
EXPORTERS = (StaffRole.ADMIN, StaffRole.RECORDS)

CONTACT_WHY = "identifies the person who came forward; contact details are never disclosed"
ATTACHMENT_NOTE = ("Attachments are the files as stored: photos re-encoded without location, camera and author "
                   "data, PDFs without document properties, videos unchanged. What a photo, video or PDF shows "
                   "(faces, plates, house numbers, documents) cannot be redacted automatically: review every "
                   "attachment before release.")
WITHHELD_NOTE = ("Never exported: the contact details of tipsters and reporters (also redacted wherever they were "
                 "typed into the text), exact coordinates, a report's answers to its type's questions, and staff "
                 "internal notes unless the export says they are included.")
MANIFEST_NOTE = "manifest.json is not listed in itself; every other file of the zip is, with its SHA-256 and size."


def can_export(user: StaffUser) -> bool:
    return user.role in EXPORTERS


def disclosure_item(user: StaffUser, public_id: str) -> WorkItem:
    """Records staff answer requests for any record; everyone else sees what case work shows them."""
    if not can_export(user):
        return casework.item_for(user, public_id)
    item = db.session.scalars(db.select(WorkItem).where(WorkItem.public_id == public_id)).first()
    if item is None:
        raise NotFound("work item")
    return item


def marks_of(item: WorkItem) -> list[RedactionMark]:
    return list(db.session.scalars(
        db.select(RedactionMark).where(RedactionMark.item_id == item.id).order_by(RedactionMark.id)))


@dataclass(frozen=True)
class Section:
    label: str
    text: str


def sections(item: WorkItem, include_notes: bool) -> list[Section]:
    """The submission's words as an export shows them, before redaction; no contact detail is
    among them, and no coordinate."""
    found: list[Section] = []
    if item.tip:
        tip = item.tip
        found += [Section("What happened", tip.description), Section("When", tip.when_text),
                  Section("Where", tip.where_text), Section("Status message to the tipster", tip.public_message)]
        found += [Section(f"Message {number} ({message.author.value}, {message.created_at:%Y-%m-%d})", message.body)
                  for number, message in enumerate(tip.messages, 1)]
    else:
        report = item.report
        found += [Section("Narrative", report.narrative), Section("Location", report.location),
                  Section("Decision message", report.status_message)]
        found += [Section(f"Property item {number}", f"{entry.brand} {entry.description}".strip())
                  for number, entry in enumerate(report.items, 1)]
        found += [Section(f"Reporter's answer {number} ({reply.created_at:%Y-%m-%d})", reply.body)
                  for number, reply in enumerate(report.replies, 1)]
    if include_notes:
        found += [Section(f"Internal note {number} ({note.created_at:%Y-%m-%d})", note.body)
                  for number, note in enumerate(item.notes, 1)]
    return [section for section in found if section.text.strip()]


def contact_marks(item: WorkItem) -> list[Mark]:
    if item.tip:
        values = (item.tip.contact_name, item.tip.contact_phone, item.tip.contact_email)
        what = "tipster contact details"
    else:
        report = item.report
        values = (report.reporter_name, report.reporter_email, report.reporter_phone, report.reporter_address)
        what = "reporter contact details"
    return [Mark(value, what, CONTACT_WHY) for value in values if value.strip()]


def add_mark(user: StaffUser, public_id: str, text: str, reason: str, now: datetime | None = None) -> RedactionMark:
    item = disclosure_item(user, public_id)
    text = sanitize.plain_text(text, RedactionMark.MAX_TEXT, "marked_text").strip()
    reason = sanitize.plain_text(reason, RedactionMark.MAX_REASON, "mark_reason").strip()
    if not text:
        raise InvalidInput("Type or paste the text to redact.", "marked_text")
    if not reason:
        raise InvalidInput("Say why it must be redacted.", "mark_reason")
    if not any(mentions(section.text, text) for section in sections(item, include_notes=True)):
        raise InvalidInput("That text does not appear in this submission; copy it exactly as it is written.",
                           "marked_text")
    mark = RedactionMark(item_id=item.id, text=text, reason=reason, staff_user_id=user.id,
                         created_at=now or datetime.now(timezone.utc))
    db.session.add(mark)
    audit.record("disclosure.marked", user.email, staff_user_id=user.id, target=item.public_id, detail=reason)
    db.session.commit()
    return mark


@dataclass(frozen=True)
class ExportOptions:
    requester: str
    include_attachments: bool = True
    include_notes: bool = False


@dataclass(frozen=True)
class ExportFilters:
    kind: str = ""
    category: str = ""
    received_from: date | None = None
    received_to: date | None = None


@dataclass
class Export:
    file: IO[bytes]
    filename: str
    sha256: str
    submissions: int


@dataclass
class ZipWriter:
    archive: zipfile.ZipFile
    stamp: tuple[int, int, int, int, int, int]
    listed: list[dict[str, object]] = field(default_factory=list)

    def add(self, name: str, data: bytes) -> None:
        self.archive.writestr(zipfile.ZipInfo(name, self.stamp), data, compress_type=zipfile.ZIP_DEFLATED)
        self.listed.append({"path": name, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)})


def reference_of(item: WorkItem) -> str:
    reference = item.tip.tip_number if item.tip else item.report.reference
    return re.sub(r"[^A-Za-z0-9-]", "-", reference)


def page(title: str, body: str) -> bytes:
    return ("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + html.escape(title) +
            "</title></head><body>\n" + body + "\n</body></html>\n").encode()


def lines(text: str) -> str:
    return "<br>\n".join(html.escape(line) for line in text.splitlines())


def submission_page(item: WorkItem, parts: list[tuple[Section, str]], files: list[str]) -> bytes:
    reference = reference_of(item)
    body = [f"<h1>{html.escape(item.kind.capitalize())} {html.escape(reference)}</h1>",
            f"<p>Category: {html.escape(item.category)}. Received {item.created_at:%Y-%m-%d}.</p>"]
    body += [f"<h2>{html.escape(section.label)}</h2>\n<p>{lines(text)}</p>" for section, text in parts]
    if files:
        body.append("<h2>Attachments</h2>\n<ul>" + "".join(
            f"<li><a href=\"../{html.escape(name)}\">{html.escape(name)}</a></li>" for name in files) + "</ul>")
    return page(f"{item.kind.capitalize()} {reference}", "\n".join(body))


def redacted_sections(item: WorkItem, include_notes: bool) -> tuple[list[tuple[Section, str]], list[dict[str, str]]]:
    """Each section as it is disclosed, and what was redacted where and why: the export's content,
    and the preview a clerk reads before exporting."""
    marks = contact_marks(item) + [Mark(mark.text, "text marked by staff", mark.reason) for mark in marks_of(item)]
    parts: list[tuple[Section, str]] = []
    redactions: list[dict[str, str]] = []
    for section in sections(item, include_notes):
        result = redact(section.text, marks)
        parts.append((section, result.text))
        redactions += [{"field": section.label, "what": found.what, "why": found.why} for found in result.redactions]
    return parts, redactions


def write_submission(writer: ZipWriter, item: WorkItem, options: ExportOptions, upload_folder: str) -> dict:
    parts, redactions = redacted_sections(item, options.include_notes)
    reference = reference_of(item)
    owned = item.tip.attachments if item.tip else item.report.attachments
    files: list[str] = []
    missing = 0
    for number, attachment in enumerate(owned if options.include_attachments else [], 1):
        try:
            data = storage.read_file(upload_folder, attachment.stored_name)
        except OSError:
            missing += 1
            continue
        name = f"attachments/{reference}-{number}{attachments.file_extension(attachment.media_type)}"
        writer.add(name, data)
        files.append(name)
    page_name = f"submissions/{reference}.html"
    writer.add(page_name, submission_page(item, parts, files))
    return {"reference": reference, "kind": item.kind, "category": item.category, "file": page_name,
            "redactions": redactions, "attachments": files,
            "attachments_excluded": len(owned) if not options.include_attachments else 0,
            "attachments_missing": missing}


def index_page(options: ExportOptions, entries: list[dict], now: datetime) -> bytes:
    rows = "".join(f"<li><a href=\"{html.escape(entry['file'])}\">{html.escape(entry['kind'].capitalize())} "
                   f"{html.escape(entry['reference'])}</a> ({len(entry['redactions'])} redactions)</li>"
                   for entry in entries)
    body = (f"<h1>Public records request: {html.escape(options.requester)}</h1>\n"
            f"<p>Prepared {now:%Y-%m-%d %H:%M} UTC. Redacted text reads [REDACTED: what]; manifest.json lists "
            f"each redaction and why, and the SHA-256 of every file.</p>\n<ul>{rows}</ul>\n"
            f"<p>{html.escape(ATTACHMENT_NOTE)}</p>")
    return page(f"Public records request: {options.requester}", body)


def build_export(user: StaffUser, items: list[WorkItem], options: ExportOptions, upload_folder: str,
                 now: datetime | None = None) -> Export:
    """The zip in a temporary file (attachments can be large), audited once it is complete."""
    if not can_export(user):
        raise NotFound("export")
    now = now or datetime.now(timezone.utc)
    requester = sanitize.plain_text(options.requester, MAX_REQUESTER, "requester").strip()
    if not requester:
        raise InvalidInput("Name the requester or the request's reference.", "requester")
    if not items:
        raise InvalidInput("Nothing matches: there is nothing to export.", "kind")
    if len(items) > MAX_SUBMISSIONS:
        raise InvalidInput(f"More than {MAX_SUBMISSIONS} submissions match; narrow the set.", "kind")
    options = replace(options, requester=requester)
    handle = tempfile.TemporaryFile()
    try:
        digest = write_zip(handle, items, options, upload_folder, now)
        audit.record("disclosure.exported", user.email, staff_user_id=user.id, target=requester, detail=json.dumps({
            "requester": requester, "submissions": [item.public_id for item in items], "sha256": digest,
            "attachments": options.include_attachments, "notes": options.include_notes}))
        db.session.commit()
    except BaseException:
        handle.close()
        raise
    return Export(handle, f"records-request-{now:%Y%m%d-%H%M%S}.zip", digest, len(items))


def write_zip(handle: IO[bytes], items: list[WorkItem], options: ExportOptions, upload_folder: str,
              now: datetime) -> str:
    """Write the export into ``handle``; its SHA-256, with ``handle`` back at the start."""
    with zipfile.ZipFile(handle, "w") as archive:
        writer = ZipWriter(archive, now.timetuple()[:6])
        entries = [write_submission(writer, item, options, upload_folder) for item in items]
        writer.add("index.html", index_page(options, entries, now))
        manifest = {"requester": options.requester, "prepared_at": now.isoformat(),
                    "notes": [ATTACHMENT_NOTE, WITHHELD_NOTE, MANIFEST_NOTE], "internal_notes_included": options.include_notes,
                    "files": writer.listed, "submissions": entries}
        archive.writestr(zipfile.ZipInfo("manifest.json", writer.stamp),
                         json.dumps(manifest, indent=2, ensure_ascii=False).encode(), zipfile.ZIP_DEFLATED)
    handle.seek(0)
    digest = hashlib.file_digest(handle, "sha256").hexdigest()
    handle.seek(0)
    return digest


def export_item(user: StaffUser, public_id: str, options: ExportOptions, upload_folder: str,
                now: datetime | None = None) -> Export:
    return build_export(user, [disclosure_item(user, public_id)], options, upload_folder, now)


def matching_items(filters: ExportFilters, time_zone: str) -> list[WorkItem]:
    """Every record the filters name, whichever unit holds it; the dates are local days, inclusive."""
    query = db.select(WorkItem)
    if filters.kind:
        query = query.where(WorkItem.kind == filters.kind)
    if filters.category:
        query = query.where(WorkItem.category == filters.category)
    zone = ZoneInfo(time_zone)
    if filters.received_from:
        query = query.where(WorkItem.created_at >= datetime.combine(filters.received_from, time(), zone))
    if filters.received_to:
        after_last_day = datetime.combine(filters.received_to + timedelta(days=1), time(), zone)
        query = query.where(WorkItem.created_at < after_last_day)
    return list(db.session.scalars(query.order_by(WorkItem.created_at, WorkItem.id).limit(MAX_SUBMISSIONS + 1)))


def export_set(user: StaffUser, filters: ExportFilters, options: ExportOptions, upload_folder: str, time_zone: str,
               now: datetime | None = None) -> Export:
    if filters.received_from and filters.received_to and filters.received_from > filters.received_to:
        raise InvalidInput("The first day must not be after the last.", "received_to")
    return build_export(user, matching_items(filters, time_zone), options, upload_folder, now)

