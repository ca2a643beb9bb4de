"""Crash: SIGKILL gunicorn workers, then the master with its workers, in the middle of the load; start again.

Every acknowledged submission is present and intact afterwards; a record nobody was told of
exists only where a request died without an answer; a tip sent again after a lost answer is
kept once; and the SQLite file passes ``PRAGMA integrity_check`` and ``foreign_key_check``.
"""

from __future__ import annotations

import random
import sqlite3
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa

from tests.reliability.traffic import Crowd, audit, tip_page_description

pytestmark = pytest.mark.reliability

CLIENTS = 16
SUBMISSIONS = 400
SECONDS = 24
# Seconds into the load, and how many workers to SIGKILL then ("master" kills everything and
# starts gunicorn again on the same database and port).
CHAOS = [(3, 1), (6, 2), (9, 1), (12, "master"), (18, 1)]
SAMPLE = 5


def sqlite_checks(database_url: str) -> tuple[list, list]:
    connection = sqlite3.connect(sa.make_url(database_url).database)
    try:
        return (connection.execute("PRAGMA integrity_check").fetchall(),
                connection.execute("PRAGMA foreign_key_check").fetchall())
    finally:
        connection.close()


def test_acknowledged_submissions_survive_killed_workers_and_a_killed_master(site, gunicorn):
    rng = random.Random(7)
    crowd = Crowd(site.url, seed=2)
    started = time.monotonic()
    killed_workers, master_killed_at, restarted_at = 0, None, None
    with ThreadPoolExecutor(1) as pool:
        load = pool.submit(crowd.run, CLIENTS, SUBMISSIONS, SECONDS)
        for at, victims in CHAOS:
            time.sleep(max(0.0, started + at - time.monotonic()))
            if victims == "master":
                master_killed_at = time.monotonic()
                gunicorn.kill()
                gunicorn.start()
                restarted_at = time.monotonic()
                continue
            for pid in rng.sample(gunicorn.wait_for_workers(), victims):
                gunicorn.kill_worker(pid)
                killed_workers += 1
        submissions = load.result()
    elapsed = time.monotonic() - started

    assert crowd.errors == []
    assert killed_workers == 5 and master_killed_at and restarted_at
    assert [(submission.marker, submission.refusals) for submission in submissions if submission.refusals] == []
    acknowledged = [submission for submission in submissions if submission.receipt]
    lost = sum(submission.lost_answers for submission in submissions)
    assert lost > 0, "the crashes happened while requests were in flight"
    assert any(submission.acknowledged_at < master_killed_at for submission in acknowledged)
    assert any(submission.acknowledged_at > restarted_at for submission in acknowledged)

    with site.engine() as engine:
        found = audit(submissions, engine, site.upload_folder)
        with engine.connect() as connection:
            kept_files = set(connection.execute(sa.text("SELECT stored_name FROM attachment")).scalars())
    assert found.missing == [], "an acknowledged submission was lost"
    assert found.damaged == {}
    assert found.strangers == []
    assert all(submission.lost_answers for submission in found.unacknowledged)
    assert len(found.unacknowledged) <= lost
    copies = {marker: count for marker, count in found.copies.items() if count > 1}
    assert not [marker for marker in copies if marker.startswith("T")], "a tip sent again was kept twice"
    by_marker = {submission.marker: submission for submission in submissions}
    assert all(count <= 1 + by_marker[marker].lost_answers for marker, count in copies.items())
    # A resent tip whose first copy had committed is answered with the same tip number.
    resent = [submission for submission in acknowledged if submission.kind == "tip" and not submission.passphrase]
    assert all(submission.lost_answers for submission in resent)

    if site.backend == "sqlite":
        assert sqlite_checks(site.database_url) == ([("ok",)], [])
    for tip in [submission for submission in acknowledged if submission.passphrase][-SAMPLE:]:
        assert tip_page_description(site.url, tip.receipt, tip.passphrase) == tip.fields["description"]
    orphans = {path.name for path in site.upload_folder.iterdir()} - kept_files
    print(f"\n{site.backend}: {len(acknowledged)} of {len(submissions)} acknowledged and intact in {elapsed:.1f} s; "
          f"{killed_workers} workers and the master killed; {lost} answers lost; {len(resent)} resent tips "
          f"recognised; {len(found.unacknowledged)} stored without a receipt; {len(orphans)} orphan files")
