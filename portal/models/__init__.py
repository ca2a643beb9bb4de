"""Every model, imported here so that metadata, create_all and Alembic see them all."""

from portal.models.audit import AuditEntry, AuditPurgeWindow
from portal.models.casework import Area, RoutingRule, WorkItem, WorkNote
from portal.models.department import DepartmentProfile, OfficialAccount
from portal.models.disclosure import RedactionMark
from portal.models.incidents import Incident, IncidentCount, IncidentImport
from portal.models.notices import Notice, NoticeEvent, NoticeState, NoticeType
from portal.models.outbox import OutboxEmail
from portal.models.prevention import PreventionCategory, PreventionState, PreventionTip
from portal.models.reports import (
    Report,
    ReportItem,
    ReportReply,
    ReportStatus,
    ReportStatusChange,
)
from portal.models.retention import LegalHold, RetentionRule
from portal.models.sms import ConversationEnd, OutboxText, SmsConversation
from portal.models.staff import StaffRole, StaffSession, StaffUser, Unit
from portal.models.terms import TermsVersion
from portal.models.tips import Attachment, MessageAuthor, Tip, TipCategory, TipMessage, TipStatus

__all__ = [
    "Area",
    "ConversationEnd",
    "OutboxText",
    "SmsConversation",
    "AuditEntry",
    "AuditPurgeWindow",
    "Attachment",
    "MessageAuthor",
    "Notice",
    "NoticeEvent",
    "NoticeState",
    "NoticeType",
    "OutboxEmail",
    "Tip",
    "TipCategory",
    "TipMessage",
    "TipStatus",
    "Unit",
    "WorkItem",
    "WorkNote",
    "DepartmentProfile",
    "Incident",
    "IncidentCount",
    "IncidentImport",
    "LegalHold",
    "OfficialAccount",
    "PreventionCategory",
    "PreventionState",
    "PreventionTip",
    "RedactionMark",
    "Report",
    "ReportItem",
    "ReportReply",
    "ReportStatus",
    "ReportStatusChange",
    "RetentionRule",
    "RoutingRule",
    "StaffRole",
    "StaffSession",
    "StaffUser",
    "TermsVersion",
]
