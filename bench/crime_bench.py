"""How fast are the crime-data import and queries at a million incidents? Run by hand: prints figures.

    .venv/bin/python bench/crime_bench.py [--rows 1000000] [--database-url postgresql://...]

Writes a synthetic export in the Chicago API layout (a real export's header, a city-sized box,
four years of dates, real offense texts, missing points and repeated case numbers), imports it
with `flask incidents import` in a child process (rows per second, peak memory), then times the
public API through the app's test client: the median of many different boxes, and for each the
raw SQL of the same query run straight on the database driver as the floor. A plain Flask
hello-world timed in the same run gives each figure as a ratio, since these machines are noisy.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from flask import Flask  # noqa: E402
from sqlalchemy import event  # noqa: E402

from portal import create_app  # noqa: E402
from portal.extensions import db  # noqa: E402

HEADER = ("id,case_number,date,block,iucr,primary_type,description,location_description,arrest,domestic,beat,"
          "district,ward,community_area,fbi_code,x_coordinate,y_coordinate,year,updated_on,latitude,longitude,"
          "location").split(",")
OFFENSES = [("THEFT", "$500 AND UNDER", 22), ("BATTERY", "SIMPLE", 18), ("CRIMINAL DAMAGE", "TO PROPERTY", 11),
            ("ASSAULT", "SIMPLE", 8), ("DECEPTIVE PRACTICE", "FINANCIAL IDENTITY THEFT OVER $ 300", 6),
            ("MOTOR VEHICLE THEFT", "AUTOMOBILE", 6), ("OTHER OFFENSE", "TELEPHONE THREAT", 5),
            ("ROBBERY", "ARMED - HANDGUN", 4), ("BURGLARY", "FORCIBLE ENTRY", 4), ("NARCOTICS", "POSSESS - CANNABIS", 4),
            ("WEAPONS VIOLATION", "UNLAWFUL POSSESSION - HANDGUN", 3), ("CRIMINAL TRESPASS", "TO LAND", 3),
            ("SEX OFFENSE", "PUBLIC INDECENCY", 1), ("OFFENSE INVOLVING CHILDREN", "ENDANGERMENT OF A CHILD", 1),
            ("HOMICIDE", "FIRST DEGREE MURDER", 1)]
STREETS = [f"{direction} {name} {kind}" for direction in "NSEW" for name in
           ("HALSTED", "ASHLAND", "WESTERN", "PULASKI", "CICERO", "KEDZIE", "DAMEN", "STATE", "MICHIGAN", "COTTAGE GROVE",
            "MADISON", "DIVISION", "NORTH", "FULLERTON", "BELMONT", "IRVING PARK", "LAWRENCE", "DEVON", "63RD", "79TH")
           for kind in ("AVE", "ST")]
SOUTH, WEST, NORTH, EAST = 41.645, -87.94, 42.02, -87.525
FIRST_DAY = datetime(2022, 1, 1)
DAYS = 4 * 365


def write_export(path: Path, rows: int, seed: int = 7) -> None:
    chooser = random.Random(seed)
    offenses = [(primary, description) for primary, description, weight in OFFENSES for _ in range(weight)]
    with path.open("w", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(HEADER)
        for number in range(rows):
            # About one case in a hundred is listed twice, as real exports do.
            case = f"J{(number - 1 if number % 100 == 99 else number):08d}"
            moment = FIRST_DAY + timedelta(seconds=chooser.randrange(DAYS * 86_400))
            primary, description = chooser.choice(offenses)
            if chooser.random() < 0.02:
                latitude = longitude = ""
            else:
                latitude = f"{chooser.uniform(SOUTH, NORTH):.9f}"
                longitude = f"{chooser.uniform(WEST, EAST):.9f}"
            writer.writerow([number, case, moment.strftime("%Y-%m-%dT%H:%M:%S.000"),
                             f"{chooser.randrange(1, 130):03d}XX {chooser.choice(STREETS)}", "0820", primary,
                             description, "STREET", "False", "True" if chooser.random() < 0.12 else "False", "0423",
                             "004", "7", "43", "06", "", "", moment.year, "2025-11-10T15:44:45.000", latitude,
                             longitude, ""])


def import_export(path: Path, url: str, instance: str) -> None:
    environment = {**os.environ, "PORTAL_DATABASE_URL": url, "PORTAL_SECRET_KEY": "b" * 40,
                   "PORTAL_CLIENT_KEY_SECRET": "c" * 40, "PORTAL_MAP_CENTER": "[41.84, -87.68]"}
    flask = [sys.executable, "-m", "flask", "--app", f"portal:create_app('public', instance_path='{instance}')"]
    subprocess.run([*flask, "db", "upgrade"], env=environment, check=True, capture_output=True, cwd=ROOT)
    started = time.perf_counter()
    result = subprocess.run([*flask, "incidents", "import", str(path)], env=environment, capture_output=True,
                            text=True, cwd=ROOT)
    seconds = time.perf_counter() - started
    if result.returncode:
        sys.exit(result.stderr)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    rows = sum(1 for _ in path.open()) - 1
    print(imported_line(result.stdout))
    print(f"import: {rows:,} rows in {seconds:.1f} s = {rows / seconds:,.0f} rows/s, peak memory {peak:,.0f} MiB")
    started = time.perf_counter()
    again = subprocess.run([*flask, "incidents", "import", str(path)], env=environment, capture_output=True,
                           text=True, cwd=ROOT)
    print(f"re-import of the same file: {time.perf_counter() - started:.1f} s; {imported_line(again.stdout)}")


def imported_line(output: str) -> str:
    """The command's summary; the log's warnings (such as SQLite's journal mode) share its output."""
    return next(line for line in output.splitlines() if line.startswith(("Imported", "Would import")))


class StatementRecorder:
    """The SQL and parameters one request sent to the database, to run again straight on the driver."""

    def __init__(self, engine) -> None:
        self.engine = engine
        self.statements: list[tuple[str, object]] = []
        event.listen(engine, "before_cursor_execute", self.record)

    def record(self, connection, cursor, statement, parameters, context, executemany) -> None:
        self.statements.append((statement, parameters))

    def raw_seconds(self) -> float:
        """The time of the request's queries alone, fetching every row, without the app around them."""
        connection = self.engine.raw_connection()
        try:
            cursor = connection.cursor()
            started = time.perf_counter()
            for statement, parameters in self.statements:
                cursor.execute(statement, parameters)
                cursor.fetchall()
            return time.perf_counter() - started
        finally:
            connection.close()


def median_times(app, client, paths: list[str]) -> tuple[float, float]:
    with app.app_context():
        engine = db.engine
    app_samples, raw_samples = [], []
    for path in paths:
        recorder = StatementRecorder(engine)
        started = time.perf_counter()
        response = client.get(path)
        app_samples.append(time.perf_counter() - started)
        event.remove(engine, "before_cursor_execute", recorder.record)
        assert response.status_code == 200, (path, response.status_code, response.get_data(as_text=True)[:300])
        raw_samples.append(recorder.raw_seconds())
    return statistics.median(app_samples), statistics.median(raw_samples)


def query_paths(chooser: random.Random, count: int) -> dict[str, list[str]]:
    """Different boxes and windows each time, so no figure is a cache's."""
    boxes, years = [], []
    for _ in range(count):
        south, west = chooser.uniform(SOUTH, NORTH - 0.02), chooser.uniform(WEST, EAST - 0.027)
        start = FIRST_DAY + timedelta(days=chooser.randrange(DAYS - 31))
        end = start + timedelta(days=30)
        category = chooser.choice(["theft", "assault", "vandalism", "burglary"])
        boxes.append(f"/api/v1/incidents?bbox={west:.4f},{south:.4f},{west + 0.027:.4f},{south + 0.02:.4f}"
                     f"&from={start:%Y-%m-%d}&to={end:%Y-%m-%d}&category={category}")
        year = 2022 + chooser.randrange(4)
        years.append(f"/api/v1/incidents/aggregate?by=cell&from={year}-01-01&to={year}-12-31&n={_}")
    return {
        "box 3 x 2 km, 30 days, 1 category": boxes,
        "whole city, one year, by cell": years,
        "whole city, one year, by week and category": [path.replace("by=cell", "by=week,category") for path in years],
        "whole city, every incident, first page": [f"/api/v1/incidents?limit=500&n={n}" for n in range(count)],
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=41)
    parser.add_argument("--database-url", default="")
    arguments = parser.parse_args()
    folder = Path(tempfile.mkdtemp())
    url = arguments.database_url or f"sqlite:///{folder}/bench.db"
    export = folder / "export.csv"
    started = time.perf_counter()
    write_export(export, arguments.rows)
    print(f"wrote {arguments.rows:,} rows ({export.stat().st_size / 2**20:,.0f} MiB) in "
          f"{time.perf_counter() - started:.1f} s; database {url.split(':')[0]}")
    import_export(export, url, str(folder))
    if url.startswith("postgresql"):
        subprocess.run(["psql", url.replace("+psycopg", ""), "-qc", "ANALYZE incident"], check=True)

    app = create_app("public", {"TESTING": True, "SECRET_KEY": "b" * 40, "PORTAL_CLIENT_KEY_SECRET": "c" * 40,
                                "PORTAL_DATABASE_URL": url, "RATELIMIT_ENABLED": False,
                                "PORTAL_MAP_CENTER": [41.84, -87.68]}, str(folder), environ={})
    client = app.test_client()
    hello = Flask("hello")
    hello.get("/")(lambda: "hello")
    hello_client = hello.test_client()
    baseline = statistics.median(timed_once(hello_client, "/") for _ in range(200))
    print(f"{'plain Flask hello-world':44s} {baseline * 1000:8.2f} ms {'':>8s}    1x")
    print(f"{'query':44s} {'app':>8s}    {'raw SQL':>8s}  ratio to hello-world")
    for name, paths in query_paths(random.Random(11), arguments.queries).items():
        app_seconds, raw_seconds = median_times(app, client, paths)
        print(f"{name:44s} {app_seconds * 1000:8.2f} ms {raw_seconds * 1000:8.2f} ms {app_seconds / baseline:5.0f}x")


def timed_once(client, path: str) -> float:
    started = time.perf_counter()
    client.get(path)
    return time.perf_counter() - started


if __name__ == "__main__":
    main()
