"""How fast is the staff queue with 100,000 submissions? Run by hand: prints figures, asserts nothing.

    .venv/bin/python bench/queue_bench.py [--rows 100000] [--database-url postgresql://...]

Fills a fresh database with tips and their work items (bulk inserts, not the HTTP form), signs
an admin in, and times queue pages through the staff app's test client. For a noise-proof figure
it also times a plain Flask hello-world in the same run and prints each page as a ratio to it.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from flask import Flask  # noqa: E402

from portal import create_app  # noqa: E402
from portal.extensions import db  # noqa: E402
from portal.models import TermsVersion, Tip, TipCategory, Unit, WorkItem  # noqa: E402
from tests.helpers import current_code  # noqa: E402

PASSWORD = "correct horse battery staple"
PAGES = {
    "open items, oldest first": "/queue/",
    "newest first": "/queue/?sort=newest",
    "overdue only": "/queue/?overdue=yes",
    "search the text": "/queue/?search=catalytic",
    "search two words": "/queue/?search=stolen+converter",
    "page 1,000": "/queue/?page=1000&state=",
}


def fill(app, rows: int) -> None:
    now = datetime.now(timezone.utc)
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as connection:
                connection.execute(db.text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
        db.create_all()
        terms = TermsVersion(version="1.0", effective_on=now.date(), summary="s", body_html="<p>t</p>")
        category = TipCategory(slug="drugs", name="Drugs")
        unit = Unit(name="Triage")
        db.session.add_all([terms, category, unit])
        db.session.commit()
        batch = 5_000
        for start in range(0, rows, batch):
            tips, items = [], []
            for number in range(start, min(start + batch, rows)):
                created = now - timedelta(minutes=number)
                words = "stolen catalytic converter" if number % 997 == 0 else "routine neighbourhood concern"
                tips.append({"tip_number": f"B{number:011d}", "public_id": str(uuid.uuid4()), "passphrase_hash": "x",
                             "submission_key": uuid.uuid4().hex, "category_id": category.id,
                             "terms_version_id": terms.id, "description": f"Tip {number}: {words} " * 8,
                             "when_text": "", "where_text": "", "contact_name": "", "contact_phone": "",
                             "contact_email": "", "status": "received", "public_message": "", "created_at": created,
                             "updated_at": created})
            db.session.execute(db.insert(Tip), tips)
            ids = db.session.scalars(db.select(Tip.id).where(Tip.tip_number.in_([t["tip_number"] for t in tips])))
            for tip_id, tip in zip(sorted(ids), tips, strict=True):
                items.append({"public_id": str(uuid.uuid4()), "kind": "tip", "category": "drugs", "tip_id": tip_id,
                              "unit_id": unit.id, "route_reason": "bench", "open": True,
                              "due_at": tip["created_at"] + timedelta(hours=72), "created_at": tip["created_at"]})
            db.session.execute(db.insert(WorkItem), items)
            db.session.commit()
        if db.engine.dialect.name == "postgresql":
            # What autovacuum would have done by the time anyone searched.
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.execute(db.text("ANALYZE"))


def timed(client, path: str, repeats: int) -> float:
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        response = client.get(path)
        samples.append(time.perf_counter() - started)
        assert response.status_code == 200, (path, response.status_code)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--database-url", default="")
    arguments = parser.parse_args()
    folder = tempfile.mkdtemp()
    url = arguments.database_url or f"sqlite:///{folder}/bench.db"
    app = create_app("staff", {"TESTING": True, "SECRET_KEY": "b" * 40, "PORTAL_CLIENT_KEY_SECRET": "c" * 40,
                               "PORTAL_DATABASE_URL": url, "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False},
                     folder, environ={})
    started = time.perf_counter()
    fill(app, arguments.rows)
    print(f"filled {arguments.rows:,} tips and work items in {time.perf_counter() - started:.1f} s ({url.split(':')[0]})")
    runner = app.test_cli_runner()
    runner.invoke(args=["staff", "create", "--email", "bench@example.org", "--name", "Bench", "--role", "admin"],
                  input=PASSWORD + "\n")
    client = app.test_client()
    client.post("/login", data={"email": "bench@example.org", "password": PASSWORD})
    client.post("/login/code", data={"code": current_code(app, "bench@example.org")})

    hello = Flask("hello")
    hello.get("/")(lambda: "hello")
    baseline = timed(hello.test_client(), "/", arguments.repeats * 20)
    print(f"{'plain Flask hello-world':32s} {baseline * 1000:8.2f} ms   1.0x")
    for name, path in PAGES.items():
        seconds = timed(client, path, arguments.repeats)
        print(f"{name:32s} {seconds * 1000:8.2f} ms {seconds / baseline:6.0f}x")


if __name__ == "__main__":
    main()
