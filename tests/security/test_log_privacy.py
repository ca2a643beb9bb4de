"""The public zone never logs client addresses, user agents or submitted text.

Checked twice: in-process with every logger at DEBUG, and end to end by serving the app the way
``make run`` does (gunicorn with gunicorn.conf.py) and the way a developer might (``flask run``),
then reading everything the server printed.
"""

from __future__ import annotations

import http.client
import logging
import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from tests.conftest import TEST_DATABASE_URL, TEST_RATELIMIT_STORAGE_URI

ROOT = Path(__file__).resolve().parents[2]
CLIENT_ADDRESS = "127.0.0.77"
FORWARDED_ADDRESS = "203.0.113.201"
USER_AGENT = "PrivacyProbe/9.9 (tipster-device-fingerprint)"
TYPED_TEXT = "my neighbour at 12 Elm Street sells drugs"


def assert_nothing_identifying(text: str) -> None:
    for secret in (CLIENT_ADDRESS, FORWARDED_ADDRESS, USER_AGENT, "PrivacyProbe", "tipster-device", "Elm Street"):
        assert secret not in text, f"{secret!r} was logged"


def test_requests_leave_no_identifying_data_in_application_logs(make_app, caplog):
    caplog.set_level(logging.DEBUG)
    app = make_app("public", RATELIMIT_ENABLED=True, RATELIMIT_DEFAULT="2 per minute", PORTAL_PROXY_COUNT=1)
    client = app.test_client()
    headers = {"User-Agent": USER_AGENT, "X-Forwarded-For": FORWARDED_ADDRESS}
    environ = {"REMOTE_ADDR": CLIENT_ADDRESS}
    client.get("/?q=" + TYPED_TEXT, headers=headers, environ_base=environ)
    client.post("/terms", data={"text": TYPED_TEXT}, headers=headers, environ_base=environ)
    client.get("/no-such-page", headers=headers, environ_base=environ)
    client.get("/", headers=headers, environ_base=environ)
    assert client.get("/", headers=headers, environ_base=environ).status_code == 429
    assert caplog.records, "the test must see the log to mean anything"
    assert_nothing_identifying(caplog.text)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_environment(tmp_path: Path, port: int) -> dict[str, str]:
    environ = {key: value for key, value in os.environ.items() if not key.startswith("PORTAL_")}
    instance = tmp_path / "served-instance"
    instance.mkdir()
    database_url = TEST_DATABASE_URL or f"sqlite:///{tmp_path}/served.db"
    environ.update(
        PORT=str(port),
        PORTAL_DATABASE_URL=database_url,
        PORTAL_SECRET_KEY="s" * 40,
        PORTAL_CLIENT_KEY_SECRET="c" * 40,
        PORTAL_RATELIMIT_DEFAULT='"3 per minute"',
        PORTAL_RATELIMIT_STORAGE_URI=TEST_RATELIMIT_STORAGE_URI,
        PORTAL_RATELIMIT_KEY_PREFIX=f"privacy-{uuid.uuid4().hex}",
        # One worker: with in-memory limits each worker would count separately.
        WEB_CONCURRENCY="1",
        PYTHONUNBUFFERED="1",
    )
    return environ


def send_probe_requests(port: int) -> list[int]:
    statuses = []
    requests = [("GET", "/", None), ("GET", "/?q=" + TYPED_TEXT.replace(" ", "+"), None),
                ("POST", "/terms", "text=" + TYPED_TEXT.replace(" ", "+")), ("GET", "/no-such-page", None),
                ("GET", "/staff/login", None), ("GET", "/", None), ("GET", "/", None)]
    for method, path, body in requests:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10, source_address=(CLIENT_ADDRESS, 0))
        headers = {"User-Agent": USER_AGENT, "X-Forwarded-For": FORWARDED_ADDRESS}
        if body:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=headers)
        statuses.append(connection.getresponse().status)
        connection.close()
    return statuses


def wait_until_listening(port: int, process: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(process.stdout.read())
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("server did not start")


def serve_and_probe(command: list[str], environ: dict[str, str], port: int) -> tuple[list[int], str]:
    process = subprocess.Popen(command, cwd=ROOT, env=environ, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    try:
        wait_until_listening(port, process)
        statuses = send_probe_requests(port)
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=30)
    return statuses, output


def migrate(environ: dict[str, str]) -> None:
    subprocess.run([sys.executable, "-m", "flask", "--app", "portal", "db", "upgrade"], cwd=ROOT, env=environ,
                   check=True, capture_output=True)


@pytest.fixture
def served(tmp_path):
    port = free_port()
    environ = server_environment(tmp_path, port)
    migrate(environ)
    return port, environ


def test_gunicorn_as_make_run_starts_it_logs_no_client_details(served):
    port, environ = served
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    statuses, output = serve_and_probe([gunicorn, "--config", "gunicorn.conf.py", "wsgi:application"], environ, port)
    assert statuses == [200, 200, 405, 404, 200, 200, 429]
    assert "Booting worker" in output, "the test must see the server's output to mean anything"
    assert_nothing_identifying(output)


def test_development_server_logs_no_request_lines(served):
    port, environ = served
    statuses, output = serve_and_probe(
        [sys.executable, "-m", "flask", "--app", "portal", "run", "--port", str(port)], environ, port
    )
    assert statuses[:4] == [200, 200, 405, 404]
    assert "Running on" in output, "the test must see the server's output to mean anything"
    assert_nothing_identifying(output)
