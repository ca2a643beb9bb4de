"""Load: many tipsters and reporters at once against gunicorn with several workers, on SQLite and PostgreSQL.

Afterwards every acknowledged submission is in the database with its fields as sent and its
files intact, nothing else is, and the counts match exactly.
"""

from __future__ import annotations

import time

import pytest

from tests.reliability.traffic import Crowd, audit, report_status_opens, tip_page_description

pytestmark = pytest.mark.reliability

CLIENTS = 20
SUBMISSIONS = 400
SECONDS = 20
SAMPLE = 8


def test_every_acknowledged_submission_is_stored_intact_and_nothing_else(site, gunicorn):
    started = time.monotonic()
    crowd = Crowd(site.url, seed=1)
    submissions = crowd.run(CLIENTS, SUBMISSIONS, SECONDS)
    elapsed = time.monotonic() - started

    assert crowd.errors == []
    acknowledged = [submission for submission in submissions if submission.receipt]
    unanswered = [(submission.marker, submission.refusals, submission.lost_answers) for submission in submissions
                  if not submission.receipt]
    assert unanswered == [], "under load without faults every submission gets its receipt"
    tips = [submission for submission in acknowledged if submission.kind == "tip"]
    reports = [submission for submission in acknowledged if submission.kind == "report"]
    assert len(acknowledged) >= 2 * CLIENTS and reports, f"only {len(tips)} tips and {len(reports)} reports"
    assert all(submission.passphrase for submission in tips)
    assert sum(len(submission.files) for submission in acknowledged) >= len(acknowledged) // 2

    with site.engine() as engine:
        found = audit(submissions, engine, site.upload_folder)
    assert found.missing == []
    assert found.damaged == {}
    assert found.strangers == [] and found.unacknowledged == []
    assert found.stored == {"tip": len(tips), "report": len(reports)}
    assert len({submission.receipt for submission in acknowledged}) == len(acknowledged)

    for tip in tips[:SAMPLE]:
        assert tip_page_description(site.url, tip.receipt, tip.passphrase) == tip.fields["description"]
    for report in reports[:SAMPLE]:
        assert report_status_opens(site.url, report.receipt, report.fields["reporter_email"])
    print(f"\n{site.backend}: {len(tips)} tips and {len(reports)} reports acknowledged and stored intact, "
          f"{sum(len(submission.files) for submission in acknowledged)} files, by {CLIENTS} clients in {elapsed:.1f} s")
