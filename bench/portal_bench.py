"""How fast are the public pages and the tip form under gunicorn? Run by hand: prints figures.

    .venv/bin/python bench/portal_bench.py [--seconds 10] [--postgres-url URL | --no-postgres]
                                           [--ratelimit-storage-uri redis://127.0.0.1:6379/0]

Serves a plain Flask hello-world and the public zone (migrated and seeded, with a few published
notices) with the same gunicorn configuration (gunicorn.conf.py), on SQLite and on PostgreSQL, and
measures with wrk (Debian: `apt-get install -y wrk`) on loopback:

- requests per second of home, the notices list, a notice and the prevention tips, as a ratio to
  the hello-world: fresh (a resident arriving from a shared link, no validators) and conditional
  (If-None-Match with the page's ETag);
- tip submissions per second (client threads each fetching the form and sending it), with the
  send's p50 and p99 latency;
- a flood from one client address (X-Forwarded-For behind one trusted proxy) while other addresses
  send tips normally: the flood's refusals (429) and what they cost, the others' tips and theirs;
- the peak memory (VmHWM) of each gunicorn worker.

The load generator shares the two cores with gunicorn, so the figures are ratios within one run.
"""

from __future__ import annotations

import argparse
import contextlib
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from portal import create_app  # noqa: E402
from portal.extensions import db  # noqa: E402
from portal.models import (  # noqa: E402
    Notice,
    NoticeEvent,
    NoticeState,
    NoticeType,
    PreventionCategory,
    StaffRole,
    StaffUser,
)
from tests.conftest import fresh_postgres_schema  # noqa: E402
from tests.serving import BIN, Server, free_port, gunicorn_command, run_flask, server_environment  # noqa: E402

HELLO_APP = 'from flask import Flask\n\napp = Flask("hello")\napp.get("/")(lambda: "Hello, World!")\n'
PAGE_LIMITS = {"PORTAL_RATELIMIT_DEFAULT": "1000000 per minute"}
SUBMISSION_LIMITS = {"PORTAL_TIP_MIN_FILL_SECONDS": "0", "PORTAL_TIP_LIMIT": "1000000 per hour",
                     "PORTAL_TIP_FORM_LIMIT": "1000000 per hour"}
TARGET = 0.7
WRK_CONNECTIONS = 8


def require_wrk() -> str:
    wrk = shutil.which("wrk")
    if wrk is None:
        sys.exit("This bench needs wrk as its load generator: apt-get install -y wrk (Debian/Ubuntu)")
    return wrk


def wrk_rate(url: str, seconds: float, headers: dict[str, str] | None = None) -> tuple[float, int]:
    """Requests per second and the number of answers that were neither 2xx nor 3xx."""
    command = [require_wrk(), "-t2", f"-c{WRK_CONNECTIONS}", f"-d{seconds:g}s", url]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    failures = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return rate, int(failures.group(1)) if failures else 0


def worker_peak_mib(server: Server) -> list[float]:
    """VmHWM of each worker: the children of gunicorn's master process."""
    master = server.process.pid
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    peaks = []
    for pid in children:
        status = Path(f"/proc/{pid}/status").read_text()
        peaks.append(int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) / 1024)
    return peaks


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def milliseconds(samples: list[float]) -> str:
    if not samples:
        return "n/a"
    return f"p50 {percentile(samples, 0.5) * 1000:6.1f} ms, p99 {percentile(samples, 0.99) * 1000:6.1f} ms"


@contextlib.contextmanager
def database(backend: str, folder: Path, postgres_url: str) -> Iterator[str]:
    if backend == "sqlite":
        yield f"sqlite:///{folder / f'bench-{uuid.uuid4().hex[:8]}.db'}"
        return
    with fresh_postgres_schema(postgres_url) as url:
        yield url


def publish_notices(url: str, instance: Path) -> dict[str, str]:
    """A handful of live notices, one of them an emergency (its banner is on every page); returns
    the pages to time."""
    app = create_app("public", {"TESTING": True, "SECRET_KEY": "b" * 40, "PORTAL_CLIENT_KEY_SECRET": "c" * 40,
                                "PORTAL_DATABASE_URL": url}, str(instance), environ={})
    now = datetime.now(timezone.utc)
    kinds = [NoticeType.WEATHER_EMERGENCY, NoticeType.ROAD_CLOSURE, NoticeType.SPECIAL_EVENT, NoticeType.GENERAL,
             NoticeType.EMPLOYMENT, NoticeType.WANTED_PERSON]
    with app.app_context():
        author = StaffUser(email="pio@example.org", display_name="Officer Lee", role=StaffRole.COMMUNICATIONS,
                           password_hash="not used")
        db.session.add(author)
        db.session.flush()
        for number, kind in enumerate(kinds):
            title = f"{kind.value.replace('-', ' ').capitalize()} notice {number}"
            notice = Notice(notice_type=kind, state=NoticeState.PUBLISHED, title=title,
                            summary="What residents need to know, in a sentence or two. " * 3,
                            body_source="", body_html="<p>The details, in a few paragraphs.</p>" * 6,
                            starts_at=now - timedelta(hours=1), expires_at=now + timedelta(days=2),
                            author_id=author.id, published_at=now - timedelta(minutes=number),
                            created_at=now, updated_at=now,
                            **({"severity": "Severe", "urgency": "Expected", "certainty": "Likely"}
                               if kind == NoticeType.WEATHER_EMERGENCY else {}))
            notice.events.append(NoticeEvent(action="published", message_type="Alert", staff_user_id=author.id,
                                             title=title, summary=notice.summary, created_at=now))
            db.session.add(notice)
        db.session.commit()
        notice_id = notice.id
        category = db.session.scalars(db.select(PreventionCategory).order_by(PreventionCategory.position)).first()
        pages = {"home": "/", "notices list": "/notices/", "a notice": f"/notices/{notice_id}",
                 "prevention tips": "/prevention/",
                 "a prevention tip": f"/prevention/{category.slug}/{category.tips[0].slug}"}
        db.session.remove()
        db.engine.dispose()
    return pages


@contextlib.contextmanager
def portal_server(url: str, instance: Path, storage: str, **settings: str) -> Iterator[Server]:
    """The public zone as production runs it; whatever it writes goes to the bench's own folder."""
    port = free_port()
    folders = {f"PORTAL_{name.upper()}_FOLDER": str(instance / name) for name in ("upload", "outbox", "media")}
    environ = {**server_environment(url, port, PORTAL_ZONE="public", **folders, **settings),
               "PORTAL_RATELIMIT_STORAGE_URI": storage}
    with Server(gunicorn_command(), environ, port) as server:
        yield server


@contextlib.contextmanager
def hello_server(folder: Path) -> Iterator[Server]:
    (folder / "hello_world.py").write_text(HELLO_APP)
    port = free_port()
    environ = server_environment("", port, PYTHONPATH=str(folder))
    with Server([str(BIN / "gunicorn"), "--config", "gunicorn.conf.py", "hello_world:app"], environ, port) as server:
        yield server


def prepared(url: str, instance: Path) -> dict[str, str]:
    environ = server_environment(url, 0)
    run_flask(environ, "db", "upgrade")
    run_flask(environ, "seed-demo")
    return publish_notices(url, instance)


@dataclass
class PageFigures:
    fresh: float
    conditional: float
    failures: int


def measure_pages(server: Server, pages: dict[str, str], seconds: float) -> dict[str, PageFigures]:
    figures = {}
    for name, path in pages.items():
        first = requests.get(server.url + path, timeout=10)
        assert first.status_code == 200, (path, first.status_code)
        assert "Set-Cookie" not in first.headers, (path, "a shared page must not set a cookie")
        fresh, fresh_failures = wrk_rate(server.url + path, seconds)
        etag = first.headers.get("ETag")
        if etag:
            again = requests.get(server.url + path, headers={"If-None-Match": etag}, timeout=10)
            assert again.status_code == 304, (path, again.status_code)
            conditional, conditional_failures = wrk_rate(server.url + path, seconds, {"If-None-Match": etag})
        else:
            conditional, conditional_failures = 0.0, 0
        figures[name] = PageFigures(fresh, conditional, fresh_failures + conditional_failures)
    return figures


def hidden(html: str, name: str) -> str:
    match = re.search(rf'name="{name}" type="hidden" value="([^"]*)"', html)
    return match.group(1) if match else ""


@dataclass
class Tipster:
    """One person (one connection, one address) sending tips through the form."""

    base_url: str
    address: str = ""
    session: requests.Session = field(default_factory=requests.Session)

    def __post_init__(self) -> None:
        if self.address:
            self.session.headers["X-Forwarded-For"] = self.address

    def form(self) -> dict[str, str]:
        html = self.session.get(f"{self.base_url}/tips/new", timeout=30).text
        fields = {name: hidden(html, name) for name in ("csrf_token", "form_token", "terms_version")}
        return {**fields, "category": "drugs", "description": "Someone sells drugs behind the library at night."}

    def send(self, form: dict[str, str]) -> tuple[int, float]:
        started = time.perf_counter()
        response = self.session.post(f"{self.base_url}/tips/new", data=form, timeout=30)
        seconds = time.perf_counter() - started
        if response.status_code == 200:
            assert 'data-receipt="tip-number"' in response.text, response.text[:300]
        return response.status_code, seconds


def sustained_tips(server: Server, threads: int, seconds: float) -> tuple[int, float, list[float]]:
    sent: list[float] = []
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def keep_sending() -> None:
        tipster = Tipster(server.url)
        while time.monotonic() < deadline:
            status, elapsed = tipster.send(tipster.form())
            assert status == 200, status
            with lock:
                sent.append(elapsed)

    started = time.perf_counter()
    workers = [threading.Thread(target=keep_sending) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return len(sent), time.perf_counter() - started, sent


@dataclass
class FloodFigures:
    accepted: list[float] = field(default_factory=list)
    refused: list[float] = field(default_factory=list)
    others_sent: list[float] = field(default_factory=list)
    others_refused: int = 0


def flood(server: Server, flooders: int, others: int, tips_each: int, seconds: float) -> FloodFigures:
    """``flooders`` threads from one address send new tips as fast as they can; ``others`` addresses
    each send ``tips_each`` tips (within the hourly limit) meanwhile."""
    figures = FloodFigures()
    lock = threading.Lock()
    done = threading.Event()
    deadline = time.monotonic() + seconds

    def hammer() -> None:
        tipster = Tipster(server.url, "203.0.113.66")
        while not done.is_set() and time.monotonic() < deadline:
            status, elapsed = tipster.send(tipster.form())
            with lock:
                (figures.accepted if status == 200 else figures.refused).append(elapsed)

    def send_normally(number: int) -> None:
        tipster = Tipster(server.url, f"198.51.100.{number + 1}")
        for _ in range(tips_each):
            status, elapsed = tipster.send(tipster.form())
            with lock:
                if status == 200:
                    figures.others_sent.append(elapsed)
                else:
                    figures.others_refused += 1

    flooding = [threading.Thread(target=hammer) for _ in range(flooders)]
    for thread in flooding:
        thread.start()
    time.sleep(1)
    normal = [threading.Thread(target=send_normally, args=(number,)) for number in range(others)]
    for thread in normal:
        thread.start()
    for thread in normal:
        thread.join()
    done.set()
    for thread in flooding:
        thread.join()
    return figures


def alone(server: Server, sends: int) -> FloodFigures:
    """One address sending new forms one after another, past its limit: what each answer costs
    with nothing else running."""
    figures = FloodFigures()
    tipster = Tipster(server.url, "192.0.2.7")
    for _ in range(sends):
        status, elapsed = tipster.send(tipster.form())
        (figures.accepted if status == 200 else figures.refused).append(elapsed)
    return figures


def print_pages(title: str, hello: float, figures: dict[str, PageFigures]) -> None:
    print(f"\n{title}")
    print(f"  {'page':22s} {'fresh rps':>10s} {'ratio':>6s} {'304 rps':>10s} {'ratio':>6s}")
    print(f"  {'hello-world':22s} {hello:10.0f} {1:6.2f}")
    for name, page in figures.items():
        verdict = "" if page.fresh >= TARGET * hello else f"  below {TARGET}x"
        failures = f"  {page.failures} non-2xx/3xx" if page.failures else ""
        print(f"  {name:22s} {page.fresh:10.0f} {page.fresh / hello:6.2f} {page.conditional:10.0f} "
              f"{page.conditional / hello:6.2f}{verdict}{failures}")


def hello_rate(folder: Path, seconds: float) -> tuple[float, str]:
    """Measured again before each set of pages: on a shared machine the ratio needs a fresh baseline."""
    with hello_server(folder) as server:
        assert requests.get(server.url, timeout=10).text == "Hello, World!"
        rate, _ = wrk_rate(server.url + "/", seconds)
        return rate, peaks("hello-world", server)


def peaks(name: str, server: Server) -> str:
    return f"  {name}: " + ", ".join(f"{peak:.0f}" for peak in worker_peak_mib(server)) + " MiB"


def bench_backend(backend: str, url: str, folder: Path, storage: str, seconds: float,
                  tip_seconds: float) -> list[str]:
    instance = folder / f"instance-{backend}"
    instance.mkdir()
    pages = prepared(url, instance)
    memory = []
    for recheck in ("0", "1"):
        hello, hello_memory = hello_rate(folder, seconds)
        with portal_server(url, instance, storage, PORTAL_PAGE_RECHECK_SECONDS=recheck, **PAGE_LIMITS) as server:
            print_pages(f"public pages on {backend}, PORTAL_PAGE_RECHECK_SECONDS={recheck}, "
                        f"{storage.split(':')[0]} limits (target {TARGET}x hello-world)", hello,
                        measure_pages(server, pages, seconds))
            memory += [hello_memory, peaks(f"portal on {backend}, after the pages (recheck {recheck})", server)]
    with portal_server(url, instance, storage, **PAGE_LIMITS, **SUBMISSION_LIMITS) as server:
        for threads in (2, 4):
            count, elapsed, latencies = sustained_tips(server, threads, tip_seconds)
            print(f"  tips, {threads} client threads: {count} in {elapsed:.1f} s = {count / elapsed:5.1f} tips/s; "
                  f"send {milliseconds(latencies)}")
        memory.append(peaks(f"portal on {backend}, after the tips", server))
    with portal_server(url, instance, storage, PORTAL_PROXY_COUNT="1", PORTAL_TIP_MIN_FILL_SECONDS="0",
                       PORTAL_TIP_LIMIT="5 per hour", **PAGE_LIMITS) as server:
        single = alone(server, 30)
        print(f"  one address alone, 30 sends (5 per hour allowed): {len(single.accepted)} accepted "
              f"{milliseconds(single.accepted)}; {len(single.refused)} refused {milliseconds(single.refused)}")
        figures = flood(server, flooders=3, others=4, tips_each=4, seconds=tip_seconds * 3)
        print("  flood from one address, 3 threads, while 4 other addresses send 4 tips each (5 per hour allowed):")
        print(f"    flood: {len(figures.refused)} refused (429) {milliseconds(figures.refused)}; "
              f"{len(figures.accepted)} accepted {milliseconds(figures.accepted)}")
        print(f"    others: {len(figures.others_sent)} of 16 sent {milliseconds(figures.others_sent)}; "
              f"{figures.others_refused} refused")
    return memory


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=5, help="per page and mode")
    parser.add_argument("--tip-seconds", type=float, default=10)
    parser.add_argument("--postgres-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--ratelimit-storage-uri", default="memory://")
    arguments = parser.parse_args()
    require_wrk()
    folder = Path(tempfile.mkdtemp(prefix="portal-bench-"))
    memory: list[str] = []
    for backend in ["sqlite"] + ([] if arguments.no_postgres else ["postgresql"]):
        with database(backend, folder, arguments.postgres_url) as url:
            memory += bench_backend(backend, url, folder, arguments.ratelimit_storage_uri, arguments.seconds,
                                    arguments.tip_seconds)
    print("\npeak memory (VmHWM) per gunicorn worker")
    print("\n".join(memory))
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
