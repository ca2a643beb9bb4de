"""Which unit, and perhaps which person, a submission goes to: pure rules, no database, no Flask."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from shapely.geometry import Point, Polygon


@dataclass(frozen=True)
class SubmissionFacts:
    kind: str  # "tip" or "report"
    category: str  # a tip category slug or a report type slug
    text: str
    where: str
    # (latitude, longitude) when the sender gave coordinates.
    point: tuple[float, float] | None = None


@dataclass(frozen=True)
class AreaView:
    name: str
    places: tuple[str, ...]
    outline: Polygon | None

    def contains(self, facts: SubmissionFacts) -> bool:
        if self.places and any(place in facts.where.lower() for place in self.places):
            return True
        if self.outline is not None and facts.point is not None:
            latitude, longitude = facts.point
            return self.outline.covers(Point(longitude, latitude))
        return False


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
    area: AreaView | None = None


@dataclass(frozen=True)
class Decision:
    rule_id: int | None
    reason: str


def split_list(text: str) -> tuple[str, ...]:
    return tuple(part.strip().lower() for part in text.split(",") if part.strip())


class OutlineError(ValueError):
    """An outline that is not a usable polygon."""


def parse_outline(text: str) -> Polygon | None:
    """``"lat,lon; lat,lon; ..."`` (at least three corners) as a polygon, or None when empty."""
    corners = [part.strip() for part in text.replace("\n", ";").split(";") if part.strip()]
    if not corners:
        return None
    try:
        points = [(float(lon), float(lat)) for lat, lon in (corner.split(",") for corner in corners)]
    except ValueError:
        raise OutlineError("Write the outline as latitude,longitude pairs separated by semicolons.") from None
    if len(points) < 3 or any(not (-90 <= lat <= 90 and -180 <= lon <= 180) for lon, lat in points):
        raise OutlineError("An outline needs at least three corners with valid coordinates.")
    polygon = Polygon(points)
    if not polygon.is_valid or polygon.area == 0:
        raise OutlineError("The outline crosses itself or has no area.")
    return polygon


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
    if rule.area:
        described.append(f"area = {rule.area.name}")
    return described or ["anything"]


def matches(rule: RuleView, facts: SubmissionFacts) -> bool:
    text, where = facts.text.lower(), facts.where.lower()
    return (
        (not rule.kind or rule.kind == facts.kind)
        and (not rule.category or rule.category == facts.category)
        and (not rule.keywords or any(keyword in text for keyword in rule.keywords))
        and (not rule.places or any(place in where for place in rule.places))
        and (rule.area is None or rule.area.contains(facts))
    )


def choose_route(facts: SubmissionFacts, rules: Sequence[RuleView], fallback_unit: str) -> Decision:
    """The first matching rule in order, or the fallback queue: nothing is ever unrouted."""
    for rule in sorted(rules, key=lambda candidate: candidate.position):
        if matches(rule, facts):
            return Decision(rule.id, f"Routed by rule {rule.position} ({rule.name}): "
                                     f"{' and '.join(conditions(rule))} → {rule.unit_name}")
    return Decision(None, f"No rule matched → the {fallback_unit} queue")
