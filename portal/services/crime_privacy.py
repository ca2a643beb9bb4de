"""How a location is generalized before the public may see it. Pure: no database, no Flask.

- An address becomes its hundred block ("1234 N Main St Apt 2" -> "1200 block of N MAIN ST");
  what follows the street's type is a unit or a second address ("ST 2NDFL", "AV 409",
  "AVE & PHL <8198") and goes too; an intersection stays an intersection; a text with a number
  that is not a recognisable address is dropped rather than guessed at, since it may be a house number.
- A point is snapped to the centre of a grid cell (``PORTAL_CRIME_GRID_METRES``, about a city
  block), so every incident on a block shows at one spot, never at a door.
- Every usable point also gets a coarse area cell (``PORTAL_CRIME_AREA_METRES``), the only
  location a sensitive offense keeps, and what the aggregates count in.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

METRES_PER_DEGREE_LATITUDE = 111_320.0
# Cell numbers pack a row and a column into one integer: rows times this plus the column.
CELL_COLUMNS = 10_000_000

# "088XX S HERMITAGE AVE" (Chicago: hundreds written XX) and "1700 BLOCK BELMONT AVE" (Philadelphia).
XX_BLOCK = re.compile(r"^0*(\d{1,4})XX\s+(.+)$", re.IGNORECASE)
NAMED_BLOCK = re.compile(r"^0*(\d{1,6})\s+BLOCK\s+(?:OF\s+)?(.+)$", re.IGNORECASE)
HOUSE_NUMBER = re.compile(r"^0*(\d{1,6})[A-Z]?\s+(?!BLOCK\b)(.+)$", re.IGNORECASE)
INTERSECTION = re.compile(r"\s*(?:\\|/|&|\bAND\b|\bAT\b)\s*", re.IGNORECASE)
# What follows the street in a block: apartments, units, parenthesised place names, and
# Philadelphia's "Phl <8198" (a house number).
UNIT_SUFFIX = re.compile(r"\s+(?:APT|APARTMENT|UNIT|STE|SUITE|FL|FLOOR|RM|ROOM|BLDG)\b.*$|\s*[#(<].*$",
                         re.IGNORECASE)
DIGIT = re.compile(r"\d")
# A block's street ends at its last type word: exports append units without a keyword after it.
STREET_TYPES = frozenset("ST AVE AV RD BLVD PKWY DR PL LA LN CT TER WAY CIR PIKE PLZ SQ WALK HWY EXPY TRL BRG".split())
# "409", "2E", "B39": a unit number, trailing a street that has no type word.
UNIT_NUMBER = re.compile(r"^[A-Z]?\d+[A-Z]?$")


def street_of(text: str) -> str:
    """A street without what an export writes after it, where a unit or house number would show."""
    words = UNIT_SUFFIX.sub("", text).upper().split()
    typed = [index for index, word in enumerate(words) if index and word in STREET_TYPES]
    if typed:
        words = words[:typed[-1] + 1]
    while len(words) > 1 and UNIT_NUMBER.match(words[-1]):
        words.pop()
    return " ".join(words).strip(" ,")


@lru_cache(maxsize=65536)
def hundred_block(address: str) -> str | None:
    """The public form of a source's address or block; None when it cannot be made safe."""
    text = " ".join(address.split())
    if not text:
        return None
    for pattern, hundreds in ((XX_BLOCK, 100), (NAMED_BLOCK, 1), (HOUSE_NUMBER, 1)):
        match = pattern.match(text)
        if match:
            street = street_of(match.group(2))
            if not street:
                return None
            block = int(match.group(1)) * hundreds // 100 * 100
            return f"{block} block of {street}"[:120]
    streets = [street for street in map(street_of, INTERSECTION.split(text)) if street]
    if len(streets) >= 2 and not any(HOUSE_NUMBER.match(street) for street in streets):
        return " & ".join(streets)[:120]
    if DIGIT.search(text):
        return None
    return UNIT_SUFFIX.sub("", text).upper()[:120] or None


@dataclass(frozen=True)
class Grid:
    """A grid of cells of about ``metres`` a side around ``latitude`` (degrees per cell differ by axis)."""

    lat_step: float
    lon_step: float

    @classmethod
    def around(cls, latitude: float, metres: float) -> Grid:
        lat_step = metres / METRES_PER_DEGREE_LATITUDE
        return cls(lat_step, lat_step / max(math.cos(math.radians(latitude)), 0.01))

    def cell(self, latitude: float, longitude: float) -> int:
        row = math.floor(latitude / self.lat_step)
        column = math.floor(longitude / self.lon_step)
        return row * CELL_COLUMNS + column

    def row_column(self, cell: int) -> tuple[int, int]:
        row, column = divmod(cell + CELL_COLUMNS // 2, CELL_COLUMNS)
        return row, column - CELL_COLUMNS // 2

    def bounds(self, cell: int) -> tuple[float, float, float, float]:
        """South, west, north, east of a cell."""
        row, column = self.row_column(cell)
        return (row * self.lat_step, column * self.lon_step, (row + 1) * self.lat_step, (column + 1) * self.lon_step)

    def centre(self, latitude: float, longitude: float) -> tuple[float, float]:
        """The centre of the cell holding a point: where the public sees it."""
        return (round((math.floor(latitude / self.lat_step) + 0.5) * self.lat_step, 6),
                round((math.floor(longitude / self.lon_step) + 0.5) * self.lon_step, 6))

    def cells_covering(self, south: float, west: float, north: float, east: float) -> list[int] | None:
        """Every cell a bounding box touches; None when that is more than a query should list."""
        first_row, first_column = self.row_column(self.cell(south, west))
        last_row, last_column = self.row_column(self.cell(north, east))
        if (last_row - first_row + 1) * (last_column - first_column + 1) > MAX_LISTED_CELLS:
            return None
        return [row * CELL_COLUMNS + column for row in range(first_row, last_row + 1)
                for column in range(first_column, last_column + 1)]


MAX_LISTED_CELLS = 400


def usable_point(latitude: float | None, longitude: float | None) -> bool:
    """A real place on Earth: exports write a missing point as blank or as "null island" (0, 0)."""
    if latitude is None or longitude is None:
        return False
    if not (math.isfinite(latitude) and math.isfinite(longitude)):
        return False
    if abs(latitude) < 0.01 and abs(longitude) < 0.01:
        return False
    return -90 <= latitude <= 90 and -180 <= longitude <= 180


SENSITIVE_DISPLAYS = ("area", "omit")


@dataclass(frozen=True)
class PrivacyRules:
    point_grid: Grid
    area_grid: Grid
    sensitive_categories: frozenset[str]
    # "area": a sensitive offense keeps its area cell only; "omit": it is not published at all.
    sensitive_display: str
    timezone: ZoneInfo

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> PrivacyRules:
        latitude = float(config["PORTAL_MAP_CENTER"][0])
        return cls(
            point_grid=Grid.around(latitude, float(config["PORTAL_CRIME_GRID_METRES"])),
            area_grid=Grid.around(latitude, float(config["PORTAL_CRIME_AREA_METRES"])),
            sensitive_categories=frozenset(config["PORTAL_CRIME_SENSITIVE_CATEGORIES"]),
            sensitive_display=config["PORTAL_CRIME_SENSITIVE_DISPLAY"],
            timezone=ZoneInfo(config["PORTAL_TIMEZONE"]),
        )
