"""Which unit, and perhaps which person, a submission goes to: pure rules, no database, no Flask."""

from __future__ import annotations

import json
import math
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
    # Other names a rule's category may match, such as "notice:missing-person" for a tip that
    # answers a missing person appeal.
    tags: tuple[str, ...] = ()


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
    """The corners as ``"lat,lon; lat,lon; ..."`` (drawn on the map or typed), or a GeoJSON Polygon
    (as a GIS exports a beat), as a polygon; None when empty."""
    text = text.strip()
    if not text:
        return None
    points = geojson_corners(text) if text.startswith("{") else typed_corners(text)
    if len(points) < 3 or any(not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90
                                   and -180 <= lon <= 180) for lon, lat in points):
        raise OutlineError("An outline needs at least three corners with valid coordinates.")
    polygon = Polygon(points)
    if not polygon.is_valid or polygon.area == 0:
        raise OutlineError("The outline crosses itself or has no area.")
    return polygon


def typed_corners(text: str) -> list[tuple[float, float]]:
    corners = [part.strip() for part in text.replace("\n", ";").split(";") if part.strip()]
    try:
        return [(float(lon), float(lat)) for lat, lon in (corner.split(",") for corner in corners)]
    except ValueError:
        raise OutlineError("Write the outline as latitude,longitude pairs separated by semicolons.") from None


def geojson_corners(text: str) -> list[tuple[float, float]]:
    """The outer ring of a GeoJSON Polygon, bare or as the geometry of a Feature."""
    try:
        shape = json.loads(text)
    except (ValueError, RecursionError):
        raise OutlineError("This is not valid GeoJSON.") from None
    if isinstance(shape, dict) and shape.get("type") == "Feature":
        shape = shape.get("geometry")
    if not isinstance(shape, dict) or shape.get("type") != "Polygon":
        raise OutlineError("Give one GeoJSON Polygon (or a Feature holding one); split other shapes into areas.")
    rings = shape.get("coordinates")
    if not isinstance(rings, list) or len(rings) != 1 or not isinstance(rings[0], list):
        raise OutlineError("The polygon must have one outer ring and no holes.")
    corners = []
    for position in rings[0]:
        if (not isinstance(position, list) or len(position) < 2
                or not all(type(value) in (int, float) for value in position[:2])):
            raise OutlineError("Every GeoJSON position must be a pair of numbers, longitude first.")
        corners.append((float(position[0]), float(position[1])))
    return corners


def format_outline(polygon: Polygon) -> str:
    """The canonical stored form: ``lat,lon`` corners to a tenth of a metre, without the closing repeat."""
    return "; ".join(f"{lat:.6f},{lon:.6f}" for lon, lat in list(polygon.exterior.coords)[:-1])


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
        and (not rule.category or rule.category in (facts.category, *facts.tags))
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
