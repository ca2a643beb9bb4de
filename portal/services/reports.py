"""Online non-emergency reports: screening, filing, look-up by the reporter, review by staff.

Each status change writes a ``ReportStatusChange`` and queues an e-mail to the reporter in the
same transaction (see services.outbox).
"""

from __future__ import annotations

import functools
import hmac
import logging
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

from portal import sanitize
from portal.exceptions import InvalidInput, NotFound, PermissionDenied
from portal.extensions import db
from portal.languages import N_, format_local, known_language, translate
from portal.models import (
    Report,
    ReportItem,
    ReportReply,
    ReportStatus,
    ReportStatusChange,
    TermsVersion,
    WorkItem,
    WorkNote,
)
from portal.services import assignment, attachments, audit, outbox, passphrases, routing, storage
from portal.services.attachments import AttachmentReceipt, Upload, UploadLimits

log = logging.getLogger(__name__)

STATUS_WORDS = {
    ReportStatus.SUBMITTED: N_("Submitted, waiting for review"),
    ReportStatus.UNDER_REVIEW: N_("Under review"),
    ReportStatus.APPROVED: N_("Approved: an official case was opened"),
    ReportStatus.REJECTED: N_("Not accepted"),
    ReportStatus.MORE_INFO_NEEDED: N_("More information needed from you"),
}
# What the reporter reads for each type-specific answer (Report.details keys).
DETAIL_NAMES = {
    "vehicle_year": N_("Vehicle year"), "vehicle_make": N_("Vehicle make"), "vehicle_model": N_("Vehicle model"),
    "vehicle_colour": N_("Vehicle colour"), "vehicle_plate": N_("Vehicle plate"),
    "vehicle_plate_state": N_("Vehicle plate state"), "amount_lost": N_("Amount lost"),
    "payment_method": N_("Payment method"), "offender_contact": N_("Offender contact"),
    "accounts_affected": N_("Accounts affected"), "caller_numbers": N_("Caller numbers"),
    "times_contacted": N_("Times contacted"),
}
NOT_MONITORED = N_("This mailbox is not monitored. In an emergency call 911.")
# Which status may follow which; anything else is refused.
TRANSITIONS = {
    ReportStatus.SUBMITTED: {ReportStatus.UNDER_REVIEW, ReportStatus.APPROVED, ReportStatus.REJECTED,
                             ReportStatus.MORE_INFO_NEEDED},
    ReportStatus.UNDER_REVIEW: {ReportStatus.APPROVED, ReportStatus.REJECTED, ReportStatus.MORE_INFO_NEEDED},
    ReportStatus.MORE_INFO_NEEDED: {ReportStatus.UNDER_REVIEW},
    ReportStatus.APPROVED: set(),
    ReportStatus.REJECTED: set(),
}


@dataclass(frozen=True)
class ScreeningAnswers:
    emergency: bool
    place: str
    zip_code: str
    known_suspect: bool
    evidence: bool
    injury: bool
    weapon: bool
    loss_over_limit: bool
    adult: bool


@dataclass(frozen=True)
class Ineligible:
    """Why a report cannot be taken online, and whom to call instead.

    ``reason`` is English with ``%(name)s`` for ``values``: the view words it in the reader's language.
    """

    reason: str
    call: str  # "emergency" or "non_emergency"
    values: Mapping[str, object] = field(default_factory=dict)


OUTSIDE_JURISDICTION = "__elsewhere__"


def within_jurisdiction(place: str, zip_code: str, places: Sequence[str], zip_codes: Sequence[str]) -> bool:
    """A listed place, or a listed ZIP code; a ZIP code given must always be one of ours."""
    zip_code = zip_code.strip()[:5]
    if zip_code:
        return zip_code in zip_codes
    return place in places


def screen(answers: ScreeningAnswers, places: Sequence[str], zip_codes: Sequence[str],
           loss_limit: int) -> Ineligible | None:
    """The first rule the answers break, or None when the report can be filed online."""
    if answers.emergency:
        return Ineligible(N_("Someone may be in danger or the crime is happening now: call 911 straight away."),
                          "emergency")
    if not within_jurisdiction(answers.place, answers.zip_code, places, zip_codes):
        return Ineligible(N_("We can only take reports of crimes that happened in our jurisdiction. Please contact "
                             "the police department where it happened; if you are not sure which, call us."),
                          "non_emergency")
    # Whole sentences, not a reason slotted into one: a translation may need to reorder them.
    officer_reasons = [
        (answers.known_suspect, N_("An officer needs to take this report because you know who did it or can "
                                   "describe them. Please call the non-emergency line and an officer will help you.")),
        (answers.evidence, N_("An officer needs to take this report because there is evidence an officer should "
                              "collect. Please call the non-emergency line and an officer will help you.")),
        (answers.injury, N_("An officer needs to take this report because someone was hurt. Please call the "
                            "non-emergency line and an officer will help you.")),
        (answers.weapon, N_("An officer needs to take this report because a weapon was involved or a firearm was "
                            "taken. Please call the non-emergency line and an officer will help you.")),
        (answers.loss_over_limit, N_("An officer needs to take this report because the loss is more than "
                                     "$%(limit)s. Please call the non-emergency line and an officer will help you.")),
    ]
    for applies, reason in officer_reasons:
        if applies:
            return Ineligible(reason, "non_emergency", {"limit": f"{loss_limit:,}"})
    if not answers.adult:
        return Ineligible(N_("Online reports must be made by an adult, or by a parent or guardian for a child. "
                             "Please ask a parent or guardian to report it, or call us."), "non_emergency")
    return None


@dataclass(frozen=True)
class ItemInput:
    description: str
    brand: str
    serial_number: str
    value: Decimal | None


@dataclass(frozen=True)
class ReportInput:
    report_type: str
    occurred_from: datetime
    occurred_to: datetime | None
    location: str
    narrative: str
    details: Mapping[str, str]
    items: Sequence[ItemInput]
    reporter_name: str
    reporter_email: str
    reporter_phone: str
    reporter_address: str
    terms_version: str


@dataclass(frozen=True)
class ReportReceipt:
    reference: str
    report_public_id: str
    attachments: list[AttachmentReceipt] = field(default_factory=list)


def new_reference() -> str:
    while True:
        reference = "R-" + passphrases.new_tip_number()
        if not db.session.scalar(db.select(db.func.count()).select_from(Report).where(Report.reference == reference)):
            return reference


REFERENCE_BODY_LENGTH = 12


def normalize_reference(text: str) -> str:
    """``R-`` and the grouped body, however it was typed: ``r 7k4m q2xp 9dzr`` works too."""
    compact = re.sub(r"[^0-9A-Z]", "", text.upper())
    if len(compact) == REFERENCE_BODY_LENGTH + 1 and compact.startswith("R"):
        compact = compact[1:]
    return "R-" + passphrases.normalize_tip_number(compact)


def record_status(report: Report, to_status: ReportStatus, now: datetime, staff_user_id: int | None,
                  note: str, site_url: str) -> None:
    """Move the report, write the audit row and queue the reporter's e-mail: one transaction."""
    report.history.append(ReportStatusChange(from_status=report.status, to_status=to_status,
                                             staff_user_id=staff_user_id, note=note, created_at=now))
    report.status = to_status
    report.status_changed_at = now
    say = in_language(report)
    outbox.queue_email(report.reporter_email, say(N_("Your report %(reference)s: %(status)s"),
                                                  reference=report.reference, status=say(STATUS_WORDS[to_status])),
                       status_email_body(report, site_url), now)


def in_language(report: Report) -> Callable[..., str]:
    """Words for the reporter, in the language the report was filed in (however long ago, whoever acts)."""
    return functools.partial(translate, report.language)


def detail_name(key: str) -> str:
    """The English name of a type-specific answer; a key with none reads as its words."""
    return DETAIL_NAMES.get(key, key.replace("_", " ").capitalize())


def status_email_body(report: Report, site_url: str) -> str:
    say = in_language(report)
    lines = [say(N_("Hello %(name)s,"), name=report.reporter_name), "",
             say(N_("The status of your online report %(reference)s is now: %(status)s."),
                 reference=report.reference, status=say(STATUS_WORDS[report.status]))]
    if report.case_number:
        lines.append(say(N_("Official case number: %(case_number)s"), case_number=report.case_number))
    if report.status_message:
        lines += ["", say(N_("Message from the department:")), report.status_message]
    if report.status == ReportStatus.MORE_INFO_NEEDED:
        lines += ["", say(N_("Please answer on the status page; reports left without an answer are closed and "
                             "deleted."))]
    lines += ["", say(N_("Check your report at %(site_url)s/reports/status with its reference and your e-mail "
                         "address."), site_url=site_url),
              "", say(NOT_MONITORED)]
    return "\n".join(lines)


def copy_email_body(report: Report, type_name: str, site_url: str, time_zone: str) -> str:
    say = in_language(report)
    start = format_local(report.occurred_from, time_zone, report.language)
    when = (say(N_("When: %(start)s to %(end)s"), start=start,
                end=format_local(report.occurred_to, time_zone, report.language))
            if report.occurred_to else say(N_("When: %(start)s"), start=start))
    lines = [say(N_("Hello %(name)s,"), name=report.reporter_name), "",
             say(N_("We received your online report. Its reference is %(reference)s."), reference=report.reference),
             say(N_("An officer will review it. You will get an e-mail each time its status changes.")), "",
             say(N_("A copy of your report:")), say(N_("Type: %(type)s"), type=say(type_name)), when,
             say(N_("Where: %(location)s"), location=report.location), "", report.narrative]
    for key, value in report.details.items():
        lines.append(f"{say(detail_name(key))}: {value}")
    for item in report.items:
        lines.append(say(N_("Item: %(description)s; brand %(brand)s; serial %(serial)s; value %(value)s"),
                         description=item.description, brand=item.brand or "-", serial=item.serial_number or "-",
                         value=item.value if item.value is not None else "-"))
    lines += ["", say(N_("Reported by %(name)s, %(phone)s, %(address)s"), name=report.reporter_name,
                      phone=report.reporter_phone, address=report.reporter_address),
              "", say(N_("Check its status at %(site_url)s/reports/status"), site_url=site_url), "",
              say(NOT_MONITORED)]
    return "\n".join(lines)


def file_report(entry: ReportInput, report_types: Mapping[str, Mapping[str, Any]], loss_limit: int,
                uploads: Sequence[Upload], upload_folder: str, limits: UploadLimits, site_url: str,
                time_zone: str, routing_settings: assignment.RoutingSettings, language: str,
                now: datetime | None = None) -> ReportReceipt:
    """Store the report, its items and files, and queue the reporter's copy, in one unit of work.

    ``language`` is the one the report was filed in: every e-mail about it is worded in it.
    """
    now = now or datetime.now(timezone.utc)
    report_type = report_types.get(entry.report_type)
    if report_type is None:
        raise NotFound("report type")
    terms = db.session.scalars(db.select(TermsVersion).where(TermsVersion.version == entry.terms_version)).first()
    if terms is None:
        raise InvalidInput("The terms of service shown have changed. Please read them and send again.", "terms")
    if entry.occurred_from > now or (entry.occurred_to and entry.occurred_to > now):
        raise InvalidInput("The date and time cannot be in the future.", "occurred_from")
    if entry.occurred_to and entry.occurred_to < entry.occurred_from:
        raise InvalidInput("The end of the time range must be after its start.", "occurred_to")
    items = [item for item in entry.items if item.description.strip()]
    if "items" in report_type["sections"] and not items:
        raise InvalidInput("Please describe at least one item.", "items")
    total = sum((item.value or Decimal(0)) for item in items) + Decimal(entry.details.get("amount_lost") or 0)
    if total > loss_limit:
        raise InvalidInput("The total loss is more than $%(limit)s, so an officer needs to take this report. "
                           "Please call the non-emergency line.", "items", limit=f"{loss_limit:,}")
    email = entry.reporter_email.strip()
    report = Report(
        reference=new_reference(), report_type=entry.report_type, status=ReportStatus.SUBMITTED,
        terms_version_id=terms.id, occurred_from=entry.occurred_from, occurred_to=entry.occurred_to,
        location=sanitize.plain_text(entry.location, Report.MAX_LOCATION, "location"),
        narrative=sanitize.plain_text(entry.narrative, Report.MAX_NARRATIVE, "narrative"),
        details={key: sanitize.plain_text(value, Report.MAX_DETAIL, key) for key, value in entry.details.items() if value},
        reporter_name=sanitize.plain_text(entry.reporter_name, Report.MAX_NAME, "reporter_name"),
        reporter_email=sanitize.plain_text(email, Report.MAX_EMAIL, "reporter_email"),
        reporter_phone=sanitize.plain_text(entry.reporter_phone, Report.MAX_PHONE, "reporter_phone"),
        reporter_address=sanitize.plain_text(entry.reporter_address, Report.MAX_ADDRESS, "reporter_address"),
        language=known_language(language), status_changed_at=now, created_at=now,
        items=[ReportItem(description=sanitize.plain_text(item.description, ReportItem.MAX_TEXT, "items"),
                          brand=sanitize.plain_text(item.brand, ReportItem.MAX_TEXT, "items"),
                          serial_number=sanitize.plain_text(item.serial_number, ReportItem.MAX_TEXT, "items"),
                          value=item.value) for item in items],
    )
    report.history.append(ReportStatusChange(from_status=None, to_status=ReportStatus.SUBMITTED, created_at=now))
    cleaned = attachments.clean_uploads(uploads, limits)
    db.session.add(report)
    assignment.route_submission(routing.SubmissionFacts("report", report.report_type, report.narrative, report.location),
                              routing_settings, now, report=report)
    outbox.queue_email(email, in_language(report)(N_("Your report %(reference)s was received"),
                                                  reference=report.reference),
                       copy_email_body(report, report_type["name"], site_url, time_zone), now)
    with attachments.files_with_transaction(upload_folder) as written:
        receipts = attachments.store_cleaned_files(cleaned, upload_folder, now, written, report=report)
        db.session.commit()
    log.info("report.filed public_id=%s type=%s", report.public_id, report.report_type)
    return ReportReceipt(report.reference, report.public_id, receipts)


def find_report_for_reporter(reference: str, email: str) -> Report | None:
    """The report with this reference and e-mail address, or None; both wrong look the same."""
    report = db.session.scalars(db.select(Report).where(Report.reference == normalize_reference(reference))).first()
    expected = report.reporter_email.lower() if report else "no report has this address"
    matches = hmac.compare_digest(expected.encode(), email.strip().lower().encode())
    return report if report is not None and matches else None


def get_report(public_id: str) -> Report:
    report = db.session.scalars(db.select(Report).where(Report.public_id == public_id)).first()
    if report is None:
        raise NotFound("report")
    return report


def answer_information_request(report: Report, answer: str, site_url: str) -> None:
    """The reporter's answer sends the report back to review."""
    if report.status != ReportStatus.MORE_INFO_NEEDED:
        raise InvalidInput("This report is not waiting for information from you.", "answer")
    text = sanitize.plain_text(answer, Report.MAX_NARRATIVE, "answer")
    if not text.strip():
        raise InvalidInput("Please write your answer.", "answer")
    now = datetime.now(timezone.utc)
    report.replies.append(ReportReply(body=text, created_at=now))
    report.status_message = ""
    record_status(report, ReportStatus.UNDER_REVIEW, now, None, "Answered by the reporter", site_url)
    db.session.commit()
    log.info("report.answered public_id=%s", report.public_id)


def change_report_status(public_id: str, staff_user_id: int, to_status: ReportStatus, site_url: str, *,
                         message: str = "", case_number: str = "") -> Report:
    """Staff move a report along (the back office calls this)."""
    report = get_report(public_id)
    if to_status not in TRANSITIONS[report.status]:
        raise PermissionDenied(f"a report that is {report.status.value} cannot become {to_status.value}")
    message = sanitize.plain_text(message, Report.MAX_NARRATIVE, "message").strip()
    if to_status == ReportStatus.APPROVED:
        case_number = sanitize.plain_text(case_number, Report.MAX_CASE_NUMBER, "case_number").strip()
        if not case_number:
            raise InvalidInput("An approved report needs the official case number.", "case_number")
        report.case_number = case_number
    if to_status in (ReportStatus.REJECTED, ReportStatus.MORE_INFO_NEEDED) and not message:
        raise InvalidInput("Say why, or what is needed: the reporter reads it.", "message")
    report.status_message = message
    record_status(report, to_status, datetime.now(timezone.utc), staff_user_id, message, site_url)
    db.session.commit()
    log.info("report.status_changed public_id=%s status=%s staff_id=%s", report.public_id, to_status.value,
             staff_user_id)
    return report


def closed_email_body(report: Report, site_url: str) -> str:
    say = in_language(report)
    return "\n".join([
        say(N_("Hello %(name)s,"), name=report.reporter_name), "",
        say(N_("We asked for more information about your online report %(reference)s and did not receive an "
               "answer, so the report has been closed and deleted."), reference=report.reference),
        say(N_("If you still want to report it, file a new report at %(site_url)s/reports/screening or call us."),
            site_url=site_url),
        "", say(NOT_MONITORED)])


def expire_unanswered_reports(max_age: timedelta, upload_folder: str, site_url: str,
                              now: datetime | None = None) -> int:
    """Delete reports left waiting for the reporter too long, telling each reporter; returns how many."""
    now = now or datetime.now(timezone.utc)
    stale = list(db.session.scalars(db.select(Report).where(
        Report.status == ReportStatus.MORE_INFO_NEEDED, Report.status_changed_at < now - max_age)))
    files = [attachment.stored_name for report in stale for attachment in report.attachments]
    for report in stale:
        outbox.queue_email(
            report.reporter_email,
            in_language(report)(N_("Your report %(reference)s was closed"), reference=report.reference),
            closed_email_body(report, site_url), now)
        audit.record("report.expired", "retention schedule", target=report.public_id)
    ids = [report.id for report in stale]
    items = db.select(WorkItem.id).where(WorkItem.report_id.in_(ids))
    db.session.execute(db.delete(WorkNote).where(WorkNote.item_id.in_(items)))
    db.session.execute(db.delete(WorkItem).where(WorkItem.report_id.in_(ids)))
    for report in stale:
        db.session.delete(report)
    db.session.commit()
    storage.delete_files(upload_folder, files)
    log.info("report.expired count=%s", len(stale))
    return len(stale)
