"""Records retention (General Order 227 B.c): the schedule, legal holds, and the purge that applies them.

A record is purged once its rule's period has passed since it reached its state; a record with
no period, or on a legal hold, is never purged. Each purged record leaves one audit entry (a
tombstone) naming its kind, its number and the rule, never its content.

States, from what each record really has:
- tip: ``open`` while its work item is open, ``closed`` from when the item was closed
  (WorkItem.closed_at); the tipster-facing TipStatus does not decide, the case does.
- report: ``open`` (submitted, under review, waiting for the reporter), ``closed`` (approved)
  and ``rejected``, from ReportStatus and its status_changed_at. ``expired`` reports are
  deleted by ``reports expire`` when the reporter does not answer, so that rule only says so.
- notice: ``open`` (draft, in review, or published and not yet expired), ``expired`` (published,
  from its expiry) and ``closed`` (cancelled, from the cancellation). A notice a remaining tip
  answers is kept as long as that tip, since the tip refers to it.
- message: the tipster conversation is part of its tip and goes with it.
- audit-entry: by when it was written, oldest first and only a run from the start of the log,
  since each entry carries the hash of the one before. The log stays append-only otherwise: the
  database refuses a delete outside the purge's window, and a checkpoint entry the purge appends
  names the last entry removed, which ``audit verify`` accepts as the start of the chain
  (services.audit.purge_oldest). Checkpoints count as entries, but a run never ends on one.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from sqlalchemy import Select, exists

from portal import sanitize
from portal.exceptions import InvalidInput, NotFound
from portal.extensions import db
from portal.models import (
    Attachment,
    LegalHold,
    Notice,
    NoticeState,
    OutboxText,
    Report,
    ReportItem,
    ReportReply,
    ReportStatus,
    ReportStatusChange,
    RetentionRule,
    SmsConversation,
    StaffRole,
    StaffUser,
    Tip,
    TipMessage,
    WorkItem,
    WorkNote,
)
from portal.services import audit, casework, storage

log = logging.getLogger(__name__)

KINDS = ("tip", "report", "notice", "message", "audit-entry")
ACTOR = "retention schedule"
HOLDERS = (StaffRole.ADMIN, StaffRole.SUPERVISOR, StaffRole.INVESTIGATOR)
DEFAULT_CITATION = ("Default: 50 ILCS 205 (Local Records Act); Local Records Commission schedule. "
                    "Confirm with the department's records officer.")
DEFAULT_PERIODS: dict[tuple[str, str], int | None] = {
    ("tip", "open"): None,
    ("tip", "closed"): 3 * 365,
    ("report", "open"): None,
    ("report", "closed"): 5 * 365,
    ("report", "rejected"): 365,
    ("report", "expired"): None,
    ("notice", "open"): None,
    ("notice", "expired"): 2 * 365,
    ("notice", "closed"): 2 * 365,
    ("message", "any"): None,
    ("audit-entry", "any"): 7 * 365,
}
# Rules whose period the purge cannot apply, and why; shown in the back office and by the command.
FIXED = {
    ("tip", "open"): "Never purged while open: close the item first.",
    ("report", "open"): "Never purged while waiting on staff or the reporter.",
    ("notice", "open"): "Never purged while a draft, in review or still shown to the public.",
    ("report", "expired"): ("Deleted by `reports expire` as soon as the reporter leaves a question unanswered "
                            "past PORTAL_REPORT_INFO_DAYS; nothing is kept to purge later."),
    ("message", "any"): "Kept and purged with its tip (the tip's rules apply).",
}
AUDIT_RULE = ("audit-entry", "any")


def fixed_reason(rule: RetentionRule) -> str:
    return FIXED.get((rule.kind, rule.state), "")


def ensure_default_rules(now: datetime | None = None) -> bool:
    """Add any schedule line missing from the table, with its default period; True when it added any.
    The caller commits."""
    now = now or datetime.now(timezone.utc)
    present = {(kind, state) for kind, state in db.session.execute(db.select(RetentionRule.kind, RetentionRule.state))}
    missing = [key for key in DEFAULT_PERIODS if key not in present]
    db.session.add_all(RetentionRule(kind=kind, state=state, period_days=DEFAULT_PERIODS[(kind, state)],
                                     citation=DEFAULT_CITATION, updated_at=now) for kind, state in missing)
    db.session.flush()
    return bool(missing)


def list_rules() -> list[RetentionRule]:
    order = {kind: position for position, kind in enumerate(KINDS)}
    return sorted(db.session.scalars(db.select(RetentionRule)), key=lambda rule: (order.get(rule.kind, 99), rule.id))


def get_rule(rule_id: int) -> RetentionRule:
    rule = db.session.get(RetentionRule, rule_id)
    if rule is None:
        raise NotFound("retention rule")
    return rule


def describe_period(days: int | None) -> str:
    return "never purged automatically" if days is None else f"{days} days"


def update_rule(user: StaffUser, rule_id: int, period_days: int | None, citation: str) -> RetentionRule:
    """Admins only (the view checks); the audit entry carries the rule before and after."""
    rule = get_rule(rule_id)
    text = sanitize.plain_text(citation, RetentionRule.MAX_CITATION, "citation").strip()
    if not text:
        raise InvalidInput("Give the records-law authority for this period.", "citation")
    reason = fixed_reason(rule)
    if reason and period_days != rule.period_days:
        raise InvalidInput(f"This period cannot be changed here. {reason}", "period_days")
    before = f"period {describe_period(rule.period_days)}; citation {rule.citation!r}"
    rule.period_days, rule.citation = period_days, text
    rule.updated_by, rule.updated_at = user, datetime.now(timezone.utc)
    audit.record("retention.rule_changed", user.email, staff_user_id=user.id, target=f"retention rule {rule.id}",
                 detail=f"{rule.kind}/{rule.state}: {before} -> period {describe_period(period_days)}; "
                        f"citation {text!r}")
    db.session.commit()
    return rule


# Legal holds ---------------------------------------------------------------------------------------

def active_hold(item: WorkItem) -> LegalHold | None:
    return db.session.scalars(db.select(LegalHold).where(LegalHold.item_id == item.id,
                                                         LegalHold.lifted_at.is_(None))).first()


def hold_history(item: WorkItem) -> list[LegalHold]:
    return list(db.session.scalars(db.select(LegalHold).where(LegalHold.item_id == item.id).order_by(LegalHold.id)))


def holdable_item(user: StaffUser, public_id: str) -> WorkItem:
    """Investigators and supervisors who see the item, and admins; anyone else is told it does not exist."""
    if user.role not in HOLDERS:
        raise NotFound("work item")
    return casework.item_for(user, public_id)


def checked_reason(reason: str) -> str:
    text = sanitize.plain_text(reason, LegalHold.MAX_REASON, "reason").strip()
    if not text:
        raise InvalidInput("Give the reason (a case, a request, a court order).", "reason")
    return text


def place_hold(user: StaffUser, public_id: str, reason: str) -> LegalHold:
    item = holdable_item(user, public_id)
    text = checked_reason(reason)
    if active_hold(item) is not None:
        raise InvalidInput("This submission is already on legal hold.", "reason")
    hold = LegalHold(item=item, placed_by=user, reason=text, placed_at=datetime.now(timezone.utc))
    db.session.add(hold)
    audit.record("legal_hold.placed", user.email, staff_user_id=user.id, target=item.public_id, detail=text)
    db.session.commit()
    return hold


def lift_hold(user: StaffUser, public_id: str, reason: str) -> LegalHold:
    item = holdable_item(user, public_id)
    text = checked_reason(reason)
    hold = active_hold(item)
    if hold is None:
        raise InvalidInput("This submission is not on legal hold.", "reason")
    hold.lifted_by, hold.lift_reason, hold.lifted_at = user, text, datetime.now(timezone.utc)
    audit.record("legal_hold.lifted", user.email, staff_user_id=user.id, target=item.public_id, detail=text)
    db.session.commit()
    return hold


# The purge -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Purged:
    kind: str
    label: str
    rule: str


@dataclass
class PurgeReport:
    dry_run: bool
    purged: list[Purged] = field(default_factory=list)
    # Runs of audit entries (their labels give the ids), apart from the records: not one per entry.
    audit_purged: list[Purged] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    batches: int = 0


def unheld():
    """No unlifted hold on the work item of the row (correlated with the query's WorkItem)."""
    return ~exists().where(LegalHold.item_id == WorkItem.id, LegalHold.lifted_at.is_(None))


def tips_closed(cutoff: datetime) -> Select:
    return (db.select(Tip.id, Tip.tip_number.label("label"), WorkItem.public_id.label("target"))
            .join(WorkItem, WorkItem.tip_id == Tip.id)
            .where(WorkItem.open.is_(False), WorkItem.closed_at <= cutoff, unheld()).order_by(Tip.id))


def reports_in(status: ReportStatus) -> Callable[[datetime], Select]:
    def due(cutoff: datetime) -> Select:
        return (db.select(Report.id, Report.reference.label("label"),
                          db.func.coalesce(WorkItem.public_id, Report.public_id).label("target"))
                .outerjoin(WorkItem, WorkItem.report_id == Report.id)
                .where(Report.status == status, Report.status_changed_at <= cutoff, unheld()).order_by(Report.id))
    return due


def notices_where(state: NoticeState, since) -> Callable[[datetime], Select]:
    def due(cutoff: datetime) -> Select:
        return (db.select(Notice.id, Notice.public_id.label("label"), Notice.public_id.label("target"))
                .where(Notice.state == state, since <= cutoff, ~exists().where(Tip.notice_id == Notice.id))
                .order_by(Notice.id))
    return due


def delete_work_items(owner) -> None:
    items = db.select(WorkItem.id).where(owner)
    db.session.execute(db.delete(WorkNote).where(WorkNote.item_id.in_(items)))
    db.session.execute(db.delete(LegalHold).where(LegalHold.item_id.in_(items)))
    db.session.execute(db.delete(WorkItem).where(owner))


def delete_tips(ids: list[int]) -> list[str]:
    files = list(db.session.scalars(db.select(Attachment.stored_name).where(Attachment.tip_id.in_(ids))))
    delete_work_items(WorkItem.tip_id.in_(ids))
    conversations = db.select(SmsConversation.id).where(SmsConversation.tip_id.in_(ids))
    db.session.execute(db.delete(OutboxText).where(OutboxText.conversation_id.in_(conversations)))
    db.session.execute(db.delete(SmsConversation).where(SmsConversation.tip_id.in_(ids)))
    db.session.execute(db.delete(Attachment).where(Attachment.tip_id.in_(ids)))
    db.session.execute(db.delete(TipMessage).where(TipMessage.tip_id.in_(ids)))
    db.session.execute(db.delete(Tip).where(Tip.id.in_(ids)))
    return files


def delete_reports(ids: list[int]) -> list[str]:
    files = list(db.session.scalars(db.select(Attachment.stored_name).where(Attachment.report_id.in_(ids))))
    delete_work_items(WorkItem.report_id.in_(ids))
    for part in (Attachment, ReportItem, ReportReply, ReportStatusChange):
        db.session.execute(db.delete(part).where(part.report_id.in_(ids)))
    db.session.execute(db.delete(Report).where(Report.id.in_(ids)))
    return files


def delete_notices(ids: list[int]) -> list[str]:
    notices = list(db.session.scalars(db.select(Notice).where(Notice.id.in_(ids))))
    files = [notice.image_name for notice in notices if notice.image_name]
    for notice in notices:
        db.session.delete(notice)  # with its events (cascade)
    return files


@dataclass(frozen=True)
class Purger:
    # Rows (id, label: the record's number, target: what its audit entries name) due at a cutoff,
    # oldest first; the deleter returns the stored files to remove once the batch is committed.
    due: Callable[[datetime], Select]
    delete: Callable[[list[int]], list[str]]
    folder: str  # "upload" (tip and report files) or "media" (notice pictures)


PURGERS = {
    ("tip", "closed"): Purger(tips_closed, delete_tips, "upload"),
    ("report", "closed"): Purger(reports_in(ReportStatus.APPROVED), delete_reports, "upload"),
    ("report", "rejected"): Purger(reports_in(ReportStatus.REJECTED), delete_reports, "upload"),
    ("notice", "expired"): Purger(notices_where(NoticeState.PUBLISHED, Notice.expires_at), delete_notices, "media"),
    ("notice", "closed"): Purger(notices_where(NoticeState.CANCELLED, Notice.updated_at), delete_notices, "media"),
}


def rule_text(rule: RetentionRule) -> str:
    return f"rule {rule.id}: {rule.kind} {rule.state}, {describe_period(rule.period_days)}"


def purge_audit_entries(rule: RetentionRule, cutoff: datetime, dry_run: bool, batch_size: int) -> list[Purged]:
    """Each batch commits its checkpoint with its deletes. Runs after the records' rules, so the
    tombstones they just wrote go too when they are already past the period (a moved clock)."""
    upto = audit.purgeable_upto(cutoff)
    runs = []
    if upto is not None and dry_run:
        runs.append(audit.run_through(upto))
    elif upto is not None:
        while run := audit.purge_oldest(upto, batch_size, ACTOR, target=f"retention rule {rule.id}"):
            db.session.commit()
            runs.append(run)
    return [Purged(rule.kind, f"entries {run.first_id} to {run.last_id} ({run.entries})", rule_text(rule))
            for run in runs]


def purge_due(now: datetime, dry_run: bool = False, batch_size: int = 100, *, upload_folder: str,
              media_folder: str) -> PurgeReport:
    """Delete (or, in a dry run, list) every record whose period has passed at ``now``.

    Each batch is its own transaction: its deletes and its tombstones commit together, then the
    batch's files are removed, so a crash leaves at worst a stray file, never a record without its
    tombstone. What is gone is not found again, so a second run deletes nothing.
    """
    report = PurgeReport(dry_run=dry_run)
    folders = {"upload": upload_folder, "media": media_folder}
    ensure_default_rules()
    for rule in list_rules():
        if (rule.kind, rule.state) == AUDIT_RULE and rule.period_days is not None:
            report.audit_purged += purge_audit_entries(rule, now - timedelta(days=rule.period_days), dry_run,
                                                       batch_size)
            continue
        purger = PURGERS.get((rule.kind, rule.state))
        if purger is None or rule.period_days is None:
            report.kept.append(f"{rule.kind} {rule.state}: {fixed_reason(rule) or 'never purged automatically.'}")
            continue
        query = purger.due(now - timedelta(days=rule.period_days))
        if dry_run:
            report.purged += [Purged(rule.kind, row.label, rule_text(rule)) for row in db.session.execute(query)]
            continue
        while rows := db.session.execute(query.limit(batch_size)).all():
            for row in rows:
                audit.record("retention.purged", ACTOR, target=row.target,
                             detail=f"{rule.kind} {row.label} purged under {rule_text(rule)}, "
                                    f"as of {now.date().isoformat()}")
            files = purger.delete([row.id for row in rows])
            db.session.commit()
            storage.delete_files(folders[purger.folder], files)
            report.batches += 1
            report.purged += [Purged(rule.kind, row.label, rule_text(rule)) for row in rows]
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    log.info("retention.purge dry_run=%s count=%s batches=%s", dry_run, len(report.purged), report.batches)
    return report


def holds_in_force() -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(LegalHold).where(LegalHold.lifted_at.is_(None)))
