"""Every model, imported here so that metadata, create_all and Alembic see them all."""

from portal.models.department import DepartmentProfile, OfficialAccount
from portal.models.prevention import PreventionCategory, PreventionTip
from portal.models.staff import StaffRole, StaffUser
from portal.models.terms import TermsVersion
from portal.models.tips import Attachment, MessageAuthor, Tip, TipCategory, TipMessage, TipStatus

__all__ = [
    "Attachment",
    "MessageAuthor",
    "Tip",
    "TipCategory",
    "TipMessage",
    "TipStatus",
    "DepartmentProfile",
    "OfficialAccount",
    "PreventionCategory",
    "PreventionTip",
    "StaffRole",
    "StaffUser",
    "TermsVersion",
]
