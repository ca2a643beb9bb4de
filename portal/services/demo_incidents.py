"""Made-up incidents for trying the portal (``make run``): never for a live site.

They go through the importer like any export, so a newcomer sees the crime map, the table, the
trends and the generalization at work. Their source is "demo", which the about page names, and
they are written only into a database with no incidents at all.
"""

from __future__ import annotations

import csv
import io
import random
from datetime import datetime, time, timedelta

from sqlalchemy import exists, select

from portal.extensions import db
from portal.models import Incident
from portal.services.crime_privacy import PrivacyRules
from portal.services.incident_import import ImportReport, import_incidents
from portal.services.incident_sources import ISO, SourceProfile

STREETS = ("WAUKEGAN RD", "DEERFIELD RD", "LAKE COOK RD", "COUNTY LINE RD", "OSTERMAN AVE", "ROSEMARY TER",
           "CENTRAL AVE", "SPRINGFIELD AVE", "WILMOT RD", "KATE ST", "CHESTNUT ST", "HAZEL AVE")
# (offense as a records system writes it, how often)
OFFENSES = (("THEFT: FROM MOTOR VEHICLE", 9), ("THEFT: RETAIL THEFT", 7), ("THEFT: $500 AND UNDER", 6),
            ("CRIMINAL DAMAGE: TO VEHICLE", 4), ("DECEPTIVE PRACTICE: FINANCIAL IDENTITY THEFT", 4),
            ("BURGLARY: FORCIBLE ENTRY", 3), ("MOTOR VEHICLE THEFT: AUTOMOBILE", 2), ("BATTERY: SIMPLE", 2),
            ("DRIVING UNDER THE INFLUENCE", 2), ("NARCOTICS: POSSESS - CANNABIS", 1), ("CRIMINAL TRESPASS: TO LAND", 1),
            ("BATTERY: DOMESTIC BATTERY SIMPLE", 1), ("ROBBERY: STRONGARM - NO WEAPON", 1))
PROFILE = SourceProfile(
    name="demo", source="demo", title="Made-up incidents for trying the portal", case_number="case_number",
    occurred_at="occurred_at", offense=("offense",), block="address", latitude="latitude", longitude="longitude",
    date_formats=(ISO,), timezone="UTC",
)


def demo_export(centre: tuple[float, float], last_day: datetime, count: int, seed: int = 227) -> bytes:
    """A CSV export of ``count`` incidents around ``centre`` in the eight weeks before ``last_day``."""
    chooser = random.Random(seed)
    offenses = [offense for offense, weight in OFFENSES for _ in range(weight)]
    start = datetime.combine(last_day.date() - timedelta(weeks=8), time(), last_day.tzinfo)
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(PROFILE.columns)
    for number in range(count):
        moment = start + timedelta(minutes=chooser.randrange(8 * 7 * 24 * 60))
        # A house number, as a records system holds it: the importer makes it a hundred block.
        address = f"{chooser.randrange(100, 2000)} {chooser.choice(STREETS)}"
        writer.writerow([f"DEMO{number:05d}", moment.isoformat(), chooser.choice(offenses), address,
                         round(centre[0] + chooser.uniform(-0.02, 0.02), 6),
                         round(centre[1] + chooser.uniform(-0.03, 0.03), 6)])
    return text.getvalue().encode()


def seed_demo_incidents(rules: PrivacyRules, centre: tuple[float, float], now: datetime,
                        count: int = 400) -> ImportReport | None:
    """Import the made-up incidents into an empty incident table; None when it already has some."""
    if db.session.scalar(select(exists().where(Incident.id.is_not(None)))):
        return None
    return import_incidents(io.BytesIO(demo_export(centre, now, count)), "demo incidents", rules, profile=PROFILE)
