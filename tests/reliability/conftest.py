"""What the reliability suite shares: each backend's fresh database, a migrated and seeded site,
and gunicorn with several workers that a test may kill and start again.

The suite covers SQLite and PostgreSQL in one run, whatever ``PORTAL_TEST_DATABASE_URL`` says:
PostgreSQL and Redis must be reachable (``.ci/run`` starts them; the defaults are theirs).
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
import sqlalchemy as sa

from tests.conftest import TEST_DATABASE_URL, TEST_RATELIMIT_STORAGE_URI, fresh_postgres_schema
from tests.serving import ROOT, free_port, gunicorn_command, run_flask, server_environment, wait_until_listening

POSTGRES_URL = TEST_DATABASE_URL or "postgresql+psycopg://postgres@127.0.0.1:5432/test"
REDIS_URL = TEST_RATELIMIT_STORAGE_URI if TEST_RATELIMIT_STORAGE_URI.startswith("redis") else "redis://127.0.0.1:6379/0"
BACKENDS = ("sqlite", "postgresql")
# Production keeps counters in Redis; a single SQLite machine may keep them in memory.
RATE_LIMIT_STORAGE = {"sqlite": "memory://", "postgresql": REDIS_URL}
# Far above what a test sends from its one loopback address, so load is served, not refused;
# the limiter still counts every request.
UNTHROTTLED = {
    "PORTAL_RATELIMIT_DEFAULT": "100000 per minute",
    "PORTAL_TIP_LIMIT": "100000 per hour",
    "PORTAL_TIP_FORM_LIMIT": "100000 per hour",
    "PORTAL_TIP_CHECK_LIMIT": "100000 per hour",
    "PORTAL_REPORT_LIMIT": "100000 per hour",
    "PORTAL_REPORT_STATUS_LIMIT": "100000 per hour",
}
WORKERS = 4
# Fields of /proc/PID/stat after the command name.
PARENT, PROCESS_GROUP = 1, 2


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    return request.param


@contextmanager
def fresh_database(backend: str, folder: Path) -> Iterator[str]:
    """An empty database of that backend: a SQLite file in ``folder``, or a PostgreSQL schema dropped afterwards."""
    if backend == "sqlite":
        yield f"sqlite:///{folder / 'portal.db'}"
        return
    with fresh_postgres_schema(POSTGRES_URL) as url:
        yield url


@dataclass
class Site:
    """A migrated, seeded database, its upload folder, and the environment a served portal runs with."""

    backend: str
    database_url: str
    folder: Path
    environ: dict[str, str]

    @property
    def port(self) -> int:
        return int(self.environ["PORT"])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def upload_folder(self) -> Path:
        return Path(self.environ["PORTAL_UPLOAD_FOLDER"])

    @contextmanager
    def engine(self) -> Iterator[sa.Engine]:
        """A plain SQLAlchemy engine over the site's database, for reading back what it stored."""
        engine = sa.create_engine(self.database_url)
        try:
            yield engine
        finally:
            engine.dispose()


def site_settings(backend: str, folder: Path, **settings: str) -> dict[str, str]:
    """The public zone as deployed (CSRF, form tokens, limits on), with the fill-time check off and limits raised."""
    return {
        "PORTAL_ZONE": "public",
        "PORTAL_UPLOAD_FOLDER": str(folder / "uploads"),
        "PORTAL_MEDIA_FOLDER": str(folder / "public-media"),
        "PORTAL_RATELIMIT_STORAGE_URI": RATE_LIMIT_STORAGE[backend],
        "PORTAL_TIP_MIN_FILL_SECONDS": "0",
        **UNTHROTTLED,
        **settings,
    }


@pytest.fixture
def site(backend: str, tmp_path: Path) -> Iterator[Site]:
    """``flask db upgrade`` and ``seed-demo`` over a fresh database of the backend, as an operator would run them."""
    with fresh_database(backend, tmp_path) as url:
        environ = {**server_environment(url, free_port()), **site_settings(backend, tmp_path)}
        run_flask(environ, "db", "upgrade")
        run_flask(environ, "seed-demo")
        yield Site(backend, url, tmp_path, environ)


def process_stat(pid: int) -> list[str]:
    """State, parent and the rest of /proc/PID/stat after the command name; empty once it is gone or a zombie."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return []
    return stat if stat[0] != "Z" else []


def running(pid: int) -> bool:
    return bool(process_stat(pid))


def live_pids(field: int, value: int) -> list[int]:
    """Live processes whose stat field (1: parent, 2: process group) has that value."""
    pids = [int(entry.name) for entry in Path("/proc").iterdir() if entry.name.isdigit()]
    return [pid for pid in pids if (stat := process_stat(pid)) and int(stat[field]) == value]


def wait_until_gone(pids: list[int], seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while any(running(pid) for pid in pids):
        if time.monotonic() > deadline:
            raise AssertionError(f"processes still running: {[pid for pid in pids if running(pid)]}")
        time.sleep(0.05)


class Gunicorn:
    """gunicorn serving a site with several workers; start, stop, SIGKILL and start again on the same port.

    Its output goes to ``gunicorn.log`` in the site's folder: every tip logs a line, and a pipe
    nobody reads would fill and stall the server under load.
    """

    def __init__(self, site: Site, workers: int = WORKERS) -> None:
        self.site, self.workers = site, workers
        self.log_path = site.folder / "gunicorn.log"
        self.process: subprocess.Popen | None = None

    def start(self) -> Gunicorn:
        with self.log_path.open("ab") as log:
            # A process group of its own, so that one signal reaches the master and all its workers.
            self.process = subprocess.Popen(gunicorn_command() + ["--workers", str(self.workers)], cwd=ROOT,
                                            env=self.site.environ, stdout=log, stderr=subprocess.STDOUT,
                                            start_new_session=True)
        try:
            wait_until_listening(self.site.port, self.process)
            self.wait_until_answering()
        except AssertionError as error:
            raise AssertionError(f"{error}\n{self.log()}") from None
        return self

    def wait_until_answering(self, seconds: float = 60) -> None:
        """Until a worker has loaded the app and answers (with any status: the database may be down on purpose)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                requests.get(self.site.url + "/healthz", timeout=seconds)
                return
            except requests.ConnectionError:
                time.sleep(0.1)
        raise AssertionError("gunicorn did not answer")

    def worker_pids(self) -> list[int]:
        return live_pids(PARENT, self.process.pid)

    def wait_for_workers(self, seconds: float = 30) -> list[int]:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            pids = self.worker_pids()
            if len(pids) >= self.workers:
                return pids
            time.sleep(0.1)
        raise AssertionError(f"gunicorn has {len(self.worker_pids())} of {self.workers} workers\n{self.log()}")

    def kill_worker(self, pid: int) -> None:
        """SIGKILL one worker; the master starts another in its place."""
        os.kill(pid, signal.SIGKILL)

    def kill(self) -> None:
        """SIGKILL the master and every worker at once, as a power cut would; even a worker being forked goes."""
        group = self.process.pid
        os.killpg(group, signal.SIGKILL)
        self.process.wait(timeout=10)
        wait_until_gone(live_pids(PROCESS_GROUP, group))

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                self.kill()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def __enter__(self) -> Gunicorn:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()


@pytest.fixture
def gunicorn(site: Site) -> Iterator[Gunicorn]:
    """The site served by gunicorn with ``WORKERS`` workers; stopped (gracefully) after the test."""
    server = Gunicorn(site)
    with server:
        yield server
