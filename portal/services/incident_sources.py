"""The layouts of records-system exports the importer reads: built-in profiles, or a mapping file.

A profile names the columns that hold the case number, the date and time, the offense, the
block address and the point, and says how the dates are written and in which time zone. The
built-in ones are detected from the header; any other export is read with a small JSON or TOML
mapping file that names the same things. Pure: no database, no Flask.
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from portal.exceptions import InvalidInput

SOURCE_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
ISO = "iso"  # datetime.fromisoformat: fast, and reads an offset when there is one


@dataclass(frozen=True)
class SourceProfile:
    name: str
    # The records system whose case numbers these are: two layouts of one system share it.
    source: str
    title: str
    case_number: str
    occurred_at: str
    offense: tuple[str, ...]
    block: str
    latitude: str
    longitude: str
    # Tried in order; a date that none reads skips its row.
    date_formats: tuple[str, ...]
    # The zone of dates written without an offset.
    timezone: str
    # A column whose true value ("True", "TRUE", "1", "Y") makes the incident sensitive.
    sensitive_flag: str | None = None

    @property
    def columns(self) -> tuple[str, ...]:
        named = (self.case_number, self.occurred_at, *self.offense, self.block, self.latitude, self.longitude)
        return named + ((self.sensitive_flag,) if self.sensitive_flag else ())


BUILT_IN: tuple[SourceProfile, ...] = (
    SourceProfile(
        name="sf-sfpd", source="sfpd", title="San Francisco PD (DataSF incident reports)",
        case_number="Incident Number", occurred_at="Incident Datetime",
        offense=("Incident Category", "Incident Subcategory", "Incident Description"),
        block="Intersection", latitude="Latitude", longitude="Longitude",
        date_formats=("%Y/%m/%d %I:%M:%S %p",), timezone="America/Los_Angeles",
    ),
    SourceProfile(
        name="philly-ppd", source="ppd", title="Philadelphia PD (OpenDataPhilly crime incidents)",
        case_number="dc_key", occurred_at="dispatch_date_time", offense=("text_general_code",),
        block="location_block", latitude="point_y", longitude="point_x",
        date_formats=(ISO,), timezone="America/New_York",
    ),
    SourceProfile(
        name="chicago-api", source="cpd", title="Chicago PD (Socrata API export)",
        case_number="case_number", occurred_at="date", offense=("primary_type", "description"),
        block="block", latitude="latitude", longitude="longitude",
        date_formats=(ISO,), timezone="America/Chicago", sensitive_flag="domestic",
    ),
    SourceProfile(
        name="chicago-portal", source="cpd", title="Chicago PD (data portal CSV)",
        case_number="Case Number", occurred_at="Date", offense=("Primary Type", "Description"),
        block="Block", latitude="Latitude", longitude="Longitude",
        # The portal writes the first; a spreadsheet round trip leaves some rows in the second.
        date_formats=("%m/%d/%Y %I:%M:%S %p", "%m-%d-%Y %H:%M", "%m/%d/%Y %H:%M"),
        timezone="America/Chicago", sensitive_flag="Domestic",
    ),
)
PROFILES = {profile.name: profile for profile in BUILT_IN}

MAPPING_HELP = (
    "Write a mapping file (JSON or TOML) naming the columns, for example:\n"
    'source = "deerfield-pd"\n'
    'timezone = "America/Chicago"\n'
    'date_formats = ["%m/%d/%Y %H:%M"]   # optional; ISO 8601 is always tried first\n'
    "[columns]\n"
    'case_number = "Report Number"\n'
    'occurred_at = "Occurred"\n'
    'offense = ["Offense", "Offense Detail"]\n'
    'block = "Address"\n'
    'latitude = "Lat"\n'
    'longitude = "Lon"\n'
    'sensitive = "Domestic"              # optional: a true value withholds the point'
)


class UnknownLayoutError(InvalidInput):
    """A header that no profile reads; the message lists the columns found and how to map them."""


def detect_profile(header: list[str]) -> SourceProfile:
    present = set(header)
    for profile in BUILT_IN:
        if set(profile.columns) <= present:
            return profile
    found = ", ".join(name for name in header if name) or "none"
    raise UnknownLayoutError(
        f"The file's header matches no built-in layout ({', '.join(PROFILES)}). Columns found: {found}.\n"
        + MAPPING_HELP, field="file")


def check_columns(profile: SourceProfile, header: list[str]) -> None:
    missing = [name for name in profile.columns if name not in header]
    if missing:
        raise UnknownLayoutError(
            f"The file has no column {', '.join(missing)}, which the {profile.name} layout needs. "
            f"Columns found: {', '.join(header) or 'none'}.", field="file")


def load_mapping(content: bytes, file_name: str, default_timezone: str) -> SourceProfile:
    """A profile from a mapping file's bytes; every mistake is named so the writer can fix it."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput("The mapping file is not UTF-8 text; save it as UTF-8.", field="mapping") from None
    try:
        data = json.loads(text) if file_name.lower().endswith(".json") else tomllib.loads(text)
    except (ValueError, tomllib.TOMLDecodeError) as error:
        raise InvalidInput(f"The mapping file cannot be read: {error}", field="mapping") from None
    if not isinstance(data, dict) or not isinstance(data.get("columns"), dict):
        raise InvalidInput("The mapping file needs a [columns] table.\n" + MAPPING_HELP, field="mapping")
    source = data.get("source")
    if not isinstance(source, str) or not SOURCE_NAME.match(source):
        raise InvalidInput("The mapping's source must be a short name of lower-case letters, digits and dashes, "
                           'such as "deerfield-pd".', field="mapping")
    columns = data["columns"]
    names: dict[str, object] = {}
    for key in ("case_number", "occurred_at", "block", "latitude", "longitude"):
        value = columns.get(key)
        if not isinstance(value, str) or not value:
            raise InvalidInput(f"The mapping's columns need {key} (the name of a column).", field="mapping")
        names[key] = value
    offense = columns.get("offense")
    offense_columns = [offense] if isinstance(offense, str) else offense
    if not isinstance(offense_columns, list) or not offense_columns or not all(
            isinstance(name, str) and name for name in offense_columns):
        raise InvalidInput("The mapping's columns need offense: a column name, or a list of them.", field="mapping")
    sensitive = columns.get("sensitive")
    if sensitive is not None and not isinstance(sensitive, str):
        raise InvalidInput("The mapping's sensitive column must be a column name.", field="mapping")
    zone = data.get("timezone", default_timezone)
    try:
        ZoneInfo(str(zone))
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput(f"The mapping's timezone {zone!r} is not a known time zone, "
                           'such as "America/Chicago".', field="mapping") from None
    formats = data.get("date_formats", [])
    if not isinstance(formats, list) or not all(isinstance(item, str) and "%" in item for item in formats):
        raise InvalidInput('The mapping\'s date_formats must be a list of formats such as "%m/%d/%Y %H:%M".',
                           field="mapping")
    return SourceProfile(
        name="mapping", source=source, title=str(data.get("title", source))[:100],
        offense=tuple(offense_columns), date_formats=(ISO, *formats), timezone=str(zone),
        sensitive_flag=sensitive, **names,  # type: ignore[arg-type]
    )
