"""The public zone never logs client addresses, user agents or submitted text.

Checked twice: in-process with every logger at DEBUG, and end to end by serving the app the way
``make run`` does (gunicorn with gunicorn.conf.py) and the way a developer might (``flask run``),
then reading everything the server printed.
"""

from __future__ import annotations

import http.client
import logging
import sys

import pytest

from tests.helpers import TipActions
from tests.serving import Server, free_port, gunicorn_command, run_flask, server_environment
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
    client.get("/terms?q=" + TYPED_TEXT, headers=headers, environ_base=environ)
    client.post("/terms", data={"text": TYPED_TEXT}, headers=headers, environ_base=environ)
    client.get("/no-such-page", headers=headers, environ_base=environ)
    client.get("/terms", headers=headers, environ_base=environ)
    assert client.get("/terms", headers=headers, environ_base=environ).status_code == 429
    app.config["PORTAL_TIP_MIN_FILL_SECONDS"] = 0
    app.test_cli_runner().invoke(args=["seed-demo"])
    tipster = TipActions(client)
    fields = tipster.form_fields()
    sent = client.post("/tips/new", headers=headers, environ_base=environ,
                       data={**fields, "category": "drugs", "description": TYPED_TEXT})
    assert sent.status_code == 200
    assert "tip.created" in caplog.text, "the test must see the log to mean anything"
    assert_nothing_identifying(caplog.text)


def send_probe_requests(port: int) -> list[int]:
    statuses = []
    # /terms, not a page kept for everyone, so that every request counts towards the limit.
    requests = [("GET", "/terms", None), ("GET", "/terms?q=" + TYPED_TEXT.replace(" ", "+"), None),
                ("POST", "/terms", "text=" + TYPED_TEXT.replace(" ", "+")), ("GET", "/no-such-page", None),
                ("GET", "/staff/login", None), ("GET", "/terms", None), ("GET", "/terms", None)]
    for method, path, body in requests:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10, source_address=(CLIENT_ADDRESS, 0))
        headers = {"User-Agent": USER_AGENT, "X-Forwarded-For": FORWARDED_ADDRESS}
        if body:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=headers)
        statuses.append(connection.getresponse().status)
        connection.close()
    return statuses


def serve_and_probe(command: list[str], environ: dict[str, str], port: int) -> tuple[list[int], str]:
    with Server(command, environ, port) as server:
        statuses = send_probe_requests(port)
    return statuses, server.output


@pytest.fixture
def served(database_url):
    port = free_port()
    # One worker: with in-memory limits each worker would count separately.
    environ = server_environment(database_url, port, PORTAL_RATELIMIT_DEFAULT='"3 per minute"', WEB_CONCURRENCY="1")
    run_flask(environ, "db", "upgrade")
    return port, environ


def test_gunicorn_as_make_run_starts_it_logs_no_client_details(served):
    port, environ = served
    statuses, output = serve_and_probe(gunicorn_command(), environ, port)
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
