"""What General Order 227 says must not be published, as data: each rule is a set of patterns,
the notice types it does not apply to, and the department's own details it must not flag.

Pure: no database, no Flask. A warning never blocks a draft; publishing over one needs a
supervisor who records why (services.notices).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urlsplit

from portal import sanitize
from portal.exceptions import InvalidInput
from portal.services import personal_data as pd

MAX_OVERRIDE_REASON = 1_000

# Notices whose point is to describe a person: their look, car and last known place are the content.
PERSON_NOTICES = frozenset({"missing-person", "wanted-person"})


@dataclass(frozen=True)
class PolicyRule:
    code: str
    section: str  # of General Order 227
    message: str
    patterns: tuple[str, ...]
    exempt_types: frozenset[str] = frozenset()
    # "digits": a match equal, digit for digit, to one of the department's own phones is fine;
    # "text": the same for its own address or e-mail (case and spacing aside); "host": links to
    # an allowed site.
    own_details: str = ""


RULES: tuple[PolicyRule, ...] = (
    PolicyRule(
        "guilt", "C.a.iii",
        "States or implies that someone is guilty or innocent. Describe what happened and what is "
        "sought, not who is to blame.",
        (r"\bguilty\b", r"\binnocent\b", r"\bconfess(?:ed|es|ion)?\b",
         r"\bcommitted (?:the|this|these) (?:crimes?|murders?|robber(?:y|ies)|burglar(?:y|ies)|offen[cs]es?|thefts?)\b",
         r"\bthe (?:killer|murderer|perpetrator|culprit|rapist)\b"),
    ),
    PolicyRule(
        "prosecution", "C.a.iv",
        "Speaks of a charge, prosecution or trial. Leave pending cases to the State's Attorney.",
        (r"\bprosecut\w*", r"\bindict\w*", r"\barraign\w*", r"\bplea (?:deal|bargain|agreement)\b",
         r"\bpleaded\b", r"\bpending (?:trial|charges?|case)\b", r"\bwill be charged\b", r"\bcharged with\b",
         r"\bstand trial\b", r"\bgrand jury\b", r"\bsentenc(?:e|ed|ing)\b"),
    ),
    PolicyRule(
        "phone", "F",
        "Contains a phone number that is not the department's. Publish only the department's numbers.",
        (pd.PHONE,),
        own_details="digits",
    ),
    PolicyRule(
        "email", "F",
        "Contains an e-mail address that is not the department's.",
        (pd.EMAIL,),
        own_details="text",
    ),
    PolicyRule(
        "birth-date", "F",
        "Contains a date of birth. An age is enough.",
        (pd.BIRTH_DATE_CUE, pd.BIRTH_DATE_WORDS, pd.BORN_ON),
        exempt_types=PERSON_NOTICES,
    ),
    PolicyRule(
        "id-number", "F",
        "Contains what looks like an identity number (Social Security, driver's licence, State ID).",
        (pd.SOCIAL_SECURITY_NUMBER, pd.DRIVERS_LICENCE_NUMBER, *pd.ID_NUMBER_WORDS),
    ),
    PolicyRule(
        "licence-plate", "F",
        "Contains a licence plate. Plates belong only in missing or wanted person notices.",
        (pd.LICENCE_PLATE,),
        exempt_types=PERSON_NOTICES,
    ),
    PolicyRule(
        "home-address", "F",
        "Contains a street address with a house number. Name the block or the crossing streets instead.",
        # Capitalised street names only, so "2 lanes of the road" is not an address.
        (r"(?-i:\b\d{1,5}\s+(?:[NSEW]\.?\s+)?(?:[A-Z][a-z]+\s+){1,3}(?:Street|St|Avenue|Ave|Road|Rd|Lane|Ln|Drive|Dr|"
         r"Court|Ct|Place|Pl|Boulevard|Blvd|Way|Terrace|Ter|Circle|Cir|Parkway|Pkwy)\b)",),
        exempt_types=PERSON_NOTICES,
        own_details="text",
    ),
    PolicyRule(
        "political", "C.a",
        "Reads as political: the department's accounts do not take sides in elections or referendums.",
        (r"\bvote (?:for|against|yes|no)\b", r"\b(?:re-?)?elect\b",
         r"\bcandidates? for (?:mayor|trustee|office|president|governor|senat\w+|congress|sheriff|state's attorney)\b",
         r"\bcampaign (?:for|donation|contribution)s?\b",
         r"\bpolitical part(?:y|ies)\b", r"\bdemocrats?\b", r"\bdemocratic party\b", r"\brepublicans?\b",
         r"\breferendum\b", r"\bballot (?:measure|question)\b"),
    ),
    PolicyRule(
        "commercial", "C.a",
        "Reads as advertising: the department does not promote businesses or offers.",
        (r"\d+ ?% off\b", r"\bdiscounts?\b", r"\bcoupons?\b", r"\bpromo(?:tion(?:al)?)? code\b", r"\bbuy now\b",
         r"\bsponsored by\b", r"\blimited[- ]time offer\b", r"\bsale ends\b", r"\bshop (?:now|at)\b"),
    ),
    PolicyRule(
        "link", "C.a.i",
        "Links outside the department's approved sites. Link only to the allow-list.",
        (r"\bhttps?://[^\s\"'<>]+", r"\bwww\.[^\s\"'<>]+"),
        own_details="host",
    ),
)


@dataclass(frozen=True)
class OwnDetails:
    """The department's own contact details and the sites it may link to."""

    phones: tuple[str, ...]
    texts: tuple[str, ...]  # its e-mail address and street address
    hosts: tuple[str, ...]


@dataclass(frozen=True)
class PolicyWarning:
    code: str
    section: str
    field: str
    message: str
    found: str


def digits(text: str) -> str:
    found = "".join(character for character in text if character.isdigit())
    return found[1:] if len(found) == 11 and found.startswith("1") else found


def squeeze(text: str) -> str:
    return " ".join(text.lower().split())


def host_allowed(address: str, hosts: Iterable[str]) -> bool:
    host = (urlsplit(address if "://" in address else "https://" + address).hostname or "").lower()
    return any(host == allowed or host.endswith("." + allowed) for allowed in hosts)


def is_own(rule: PolicyRule, found: str, own: OwnDetails) -> bool:
    if rule.own_details == "digits":
        return digits(found) in {digits(phone) for phone in own.phones}
    if rule.own_details == "text":
        return squeeze(found) in {squeeze(text) for text in own.texts}
    if rule.own_details == "host":
        return host_allowed(found, own.hosts)
    return False


class LinkCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.hrefs.extend(value for name, value in attrs if name == "href" and value)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def readable_parts(html: str) -> tuple[str, list[str]]:
    """The words a reader sees and the link targets, from the cleaned body."""
    collector = LinkCollector()
    collector.feed(html)
    collector.close()
    return " ".join(collector.text), collector.hrefs


def check_notice(notice_type: str, fields: dict[str, str], body_html: str, own: OwnDetails) -> list[PolicyWarning]:
    """Every rule against every field; the body is read as its text plus its links."""
    body_text, hrefs = readable_parts(body_html)
    texts = {**fields, "body": body_text + " " + " ".join(hrefs)}
    warnings: list[PolicyWarning] = []
    for field, text in texts.items():
        for rule in RULES:
            if notice_type in rule.exempt_types:
                continue
            for pattern in rule.patterns:
                for match in re.finditer(pattern, text, flags=re.IGNORECASE):
                    found = match.group(0).rstrip(".,;:)")
                    if is_own(rule, found, own):
                        continue
                    warning = PolicyWarning(rule.code, rule.section, field, rule.message, found)
                    if warning not in warnings:
                        warnings.append(warning)
    return warnings


class PolicyBlocked(InvalidInput):
    """Publishing would put text the policy warns about before the public."""

    def __init__(self, message: str, warnings: list[PolicyWarning]) -> None:
        super().__init__(message, "override_reason")
        self.warnings = warnings


def override_note(warnings: list[PolicyWarning], reviewer: bool, reason: str) -> str:
    """Nothing when there is no warning; a supervisor's recorded reason when they publish over
    some; otherwise the warnings stop the publication."""
    if not warnings:
        return ""
    reason = sanitize.plain_text(reason, MAX_OVERRIDE_REASON, "override_reason").strip()
    if not reviewer:
        raise PolicyBlocked("The policy check found something; a supervisor must publish this over the warnings, "
                            "or change the text.", warnings)
    if not reason:
        raise PolicyBlocked("Say why this may be published despite the warnings.", warnings)
    return f"Published over: {', '.join(sorted({warning.code for warning in warnings}))}. Why: {reason}"
