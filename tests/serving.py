"""Serving the portal in a real server process on loopback, as ``make run`` does."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

from tests.conftest import TEST_RATELIMIT_STORAGE_URI

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_environment(database_url: str, port: int, **settings: str) -> dict[str, str]:
    """The caller's environment without PORTAL_* variables, plus secrets, this database and ``settings``."""
    environ = {key: value for key, value in os.environ.items() if not key.startswith("PORTAL_")}
    environ.update(
        PORT=str(port),
        PORTAL_DATABASE_URL=database_url,
        PORTAL_SECRET_KEY="s" * 40,
        PORTAL_CLIENT_KEY_SECRET="c" * 40,
        PORTAL_RATELIMIT_STORAGE_URI=TEST_RATELIMIT_STORAGE_URI,
        PORTAL_RATELIMIT_KEY_PREFIX=f"served-{uuid.uuid4().hex}",
        PYTHONUNBUFFERED="1",
        # A test reads a page right after publishing; production allows a second's delay.
        PORTAL_PAGE_RECHECK_SECONDS="0",
    )
    environ.update(settings)
    return environ


def run_flask(environ: dict[str, str], *args: str, input: str | None = None) -> str:
    """Run an operator command; returns what it printed."""
    result = subprocess.run([sys.executable, "-m", "flask", "--app", "portal", *args], cwd=ROOT, env=environ,
                            check=True, capture_output=True, text=True, input=input)
    return result.stdout


def wait_until_listening(port: int, process: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(process.stdout.read() if process.stdout else f"server exited ({process.returncode})")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("server did not start")


def gunicorn_command() -> list[str]:
    return [str(BIN / "gunicorn"), "--config", "gunicorn.conf.py", "wsgi:application"]


class Server:
    """A server process whose output is collected when it stops."""

    def __init__(self, command: list[str], environ: dict[str, str], port: int) -> None:
        self.command, self.environ, self.port = command, environ, port
        self.output = ""
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> Server:
        self.process = subprocess.Popen(self.command, cwd=ROOT, env=self.environ, stdout=subprocess.PIPE,
                                        stderr=subprocess.STDOUT, text=True)
        try:
            wait_until_listening(self.port, self.process)
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *_exc: object) -> None:
        self.process.terminate()
        self.output, _ = self.process.communicate(timeout=30)
