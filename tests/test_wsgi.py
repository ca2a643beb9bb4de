"""wsgi.py serves one zone per PORTAL_ZONE, or both with the back office under /staff."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.serving import ROOT, free_port, run_flask, server_environment

PROBE = """
import json, wsgi
client = wsgi.application.test_client()
paths = ["/", "/login", "/staff/login", "/healthz", "/staff/healthz"]
print(json.dumps({path: client.get(path).status_code for path in paths}))
"""


def probe(zone: str | None, tmp_path: Path) -> dict[str, int]:
    environ = server_environment(f"sqlite:///{tmp_path}/wsgi.db", free_port())
    if zone:
        environ["PORTAL_ZONE"] = zone
    run_flask(environ, "db", "upgrade")
    result = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=environ, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize(
    ("zone", "expected"),
    [
        (None, {"/": 200, "/login": 404, "/staff/login": 200, "/healthz": 200, "/staff/healthz": 200}),
        ("public", {"/": 200, "/login": 404, "/staff/login": 404, "/healthz": 200, "/staff/healthz": 404}),
        ("staff", {"/": 302, "/login": 200, "/staff/login": 302, "/healthz": 200, "/staff/healthz": 302}),
    ],
)
def test_each_zone_setting_serves_the_right_apps(zone, expected, tmp_path):
    assert probe(zone, tmp_path) == expected
