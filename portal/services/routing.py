"""Which unit, and perhaps which person, a submission goes to: pure rules, no database, no Flask."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class SubmissionFacts:
    kind: str  # "tip" or "report"
    category: str  # a tip category slug or a report type slug
    text: str
    where: str


@dataclass(frozen=True)
class RuleView:
    id: int
    position: int
    name: str
    kind: str
    category: str
    keywords: tuple[str, ...]
    places: tuple[str, ...]
    unit_name: str


@dataclass(frozen=True)
class Decision:
    rule_id: int | None
    reason: str


def split_list(text: str) -> tuple[str, ...]:
    return tuple(part.strip().lower() for part in text.split(",") if part.strip())


def conditions(rule: RuleView) -> list[str]:
    described = []
    if rule.kind:
        described.append(f"kind = {rule.kind}")
    if rule.category:
        described.append(f"category = {rule.category}")
    if rule.keywords:
        described.append("text mentions " + " or ".join(rule.keywords))
    if rule.places:
        described.append("place is " + " or ".join(rule.places))
    return described or ["anything"]


def matches(rule: RuleView, facts: SubmissionFacts) -> bool:
    text, where = facts.text.lower(), facts.where.lower()
    return (
        (not rule.kind or rule.kind == facts.kind)
        and (not rule.category or rule.category == facts.category)
        and (not rule.keywords or any(keyword in text for keyword in rule.keywords))
        and (not rule.places or any(place in where for place in rule.places))
    )


def choose_route(facts: SubmissionFacts, rules: Sequence[RuleView], fallback_unit: str) -> Decision:
    """The first matching rule in order, or the fallback queue: nothing is ever unrouted."""
    for rule in sorted(rules, key=lambda candidate: candidate.position):
        if matches(rule, facts):
            return Decision(rule.id, f"Routed by rule {rule.position} ({rule.name}): "
                                     f"{' and '.join(conditions(rule))} → {rule.unit_name}")
    return Decision(None, f"No rule matched → the {fallback_unit} queue")
