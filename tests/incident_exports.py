"""Exports for the importer tests: the real samples, one of our own making, and a damaged one."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

CRIME_DATA = Path(__file__).resolve().parent / "data" / "crime"
SF = CRIME_DATA / "sf_sfpd_incident_reports_2018-12_sample.csv"
PHILLY = CRIME_DATA / "philly_ppd_incidents_2024-06_sample.csv"
CHICAGO_API = CRIME_DATA / "chicago_cpd_crimes_socrata_api_2025-10-18_to_2025-11-03_sample.csv"
CHICAGO_PORTAL = CRIME_DATA / "chicago_cpd_crimes_excel_mangled_sample.csv"

# A records system of our own making: its own date format and time zone, and a narrative naming the victim.
VICTIM = "Victimson"
EXPORT = (
    "Report No,Occurred (local),Offense,Offense Detail,Address,Lat,Lon,DV,Narrative\r\n"
    'rms-24-0001,03.06.2024 14:30,Theft,From auto,1234 Elm St Apt 5,42.17113,-87.84452,N,'
    '"Jane Victimson says her bag was taken from her car at 1234 Elm St, Apt 5."\r\n'
    'rms-24-0002,04.06.2024 23:05,Battery,Simple,77 Oak Ave,42.16021,-87.83511,Y,'
    '"Jane Victimson was hit by her partner."\r\n'
    'rms-24-0003,05.06.2024 08:00,Burglary,Garage,Deerfield Rd & Waukegan Rd,,,N,'
    '"Victimson\'s garage door was forced."\r\n'
    'rms-24-0004,06.06.2024 19:45,Criminal Sexual Abuse,,850 Waukegan Road,42.17,-87.8401,N,'
    '"Jane Victimson, 34, of 850 Waukegan Road"\r\n'
).encode()
# What of EXPORT must never be stored or shown: the narrative, the house numbers, the apartment.
PRIVATE = (VICTIM, "1234", "Apt 5", "850 Waukegan", "partner")
MAPPING = {"source": "deerfield-rms", "title": "Deerfield RMS", "timezone": "America/Denver",
           "date_formats": ["%d.%m.%Y %H:%M"],
           "columns": {"case_number": "Report No", "occurred_at": "Occurred (local)",
                       "offense": ["Offense", "Offense Detail"], "block": "Address", "latitude": "Lat",
                       "longitude": "Lon", "sensitive": "DV"}}
MAPPING_JSON = json.dumps(MAPPING).encode()
MAPPING_TOML = b"""source = "deerfield-rms"
title = "Deerfield RMS"
timezone = "America/Denver"
date_formats = ["%d.%m.%Y %H:%M"]

[columns]
case_number = "Report No"
occurred_at = "Occurred (local)"
offense = ["Offense", "Offense Detail"]
block = "Address"
latitude = "Lat"
longitude = "Lon"
sensitive = "DV"
"""

# Lines of broken_export() and why the importer skips each; the other 12 of its 20 rows are fine.
DAMAGE = [
    (3, None, "", "30 fields where the header has 31"),
    (5, "date", "2025-11-31T00:00:00.000", "date not understood"),
    (7, "date", "2099-01-01T00:00:00.000", "date before 1900 or in the future"),
    (9, "case_number", "2.02416E+11", "case number in scientific notation (damaged by a spreadsheet)"),
    (11, "latitude", "41.7x", "coordinate is not a number"),
    (13, "description", "RETAIL THEFT @BYTE@", "bytes that are not UTF-8 text"),
    (15, "block", "012XX W @NUL@ ST", "a NUL byte"),
    (17, "location_description", "X" * 200_000, "not readable as CSV (field larger than field limit (131072))"),
]


def csv_line(fields: list[str]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(fields)
    return out.getvalue().replace("@BYTE@", "\udcff").replace("@NUL@", "\x00").encode("utf-8", "surrogateescape")


def broken_export() -> bytes:
    """The Chicago API sample's first 20 rows, 8 of them damaged the ways real files are (DAMAGE)."""
    lines = CHICAGO_API.read_bytes().splitlines(keepends=True)[:21]
    column = {name: index for index, name in enumerate(next(csv.reader([lines[0].decode()])))}
    for line, name, value, _reason in DAMAGE:
        fields = next(csv.reader([lines[line - 1].decode()]))
        if name is None:
            fields.pop()
        else:
            fields[column[name]] = value
        lines[line - 1] = csv_line(fields)
    return b"".join(lines)
