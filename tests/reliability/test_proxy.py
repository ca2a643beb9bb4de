"""The README's nginx example, run as written in front of the public zone's gunicorn.

Only what a test machine needs is changed: loopback ports, a self-signed certificate, and log
and temp paths in the test's folder. It proves the proxy count the README gives: HTTPS is seen
as HTTPS (HSTS is sent), a client cannot choose its own address with X-Forwarded-For, and two
real clients keep their own rate limits.
"""

from __future__ import annotations

import http.client
import re
import shutil
import ssl
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from requests.adapters import HTTPAdapter

from tests.serving import ROOT, Server, free_port, gunicorn_command, run_flask, server_environment, wait_until_listening

pytestmark = pytest.mark.reliability

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
PUBLIC_HOST, STAFF_HOST = "portal.example.gov", "staff.example.internal"
PAGE_LIMIT = 4


def readme_nginx_example() -> str:
    blocks = re.findall(r"```nginx\n(.*?)```", (ROOT / "README.md").read_text(encoding="utf-8"), re.S)
    assert len(blocks) == 1, "the README should have one nginx example"
    return blocks[0]


def for_this_machine(example: str, folder: Path, tls_port: int, http_port: int, public_port: int) -> str:
    servers = (example
               .replace("listen 443 ssl http2;", f"listen 127.0.0.1:{tls_port} ssl http2;")
               .replace("listen 80;", f"listen 127.0.0.1:{http_port};")
               .replace("http://127.0.0.1:8001", f"http://127.0.0.1:{public_port}")
               .replace("http://127.0.0.1:8002", f"http://127.0.0.1:{free_port()}")
               .replace("/srv/portal/static/", f"{ROOT}/static/")
               .replace("/var/log/nginx/", f"{folder}/"))
    servers = re.sub(r"ssl_certificate\s+\S+;", f"ssl_certificate {folder}/cert.pem;", servers)
    servers = re.sub(r"ssl_certificate_key\s+\S+;", f"ssl_certificate_key {folder}/key.pem;", servers)
    temp = "\n".join(f"    {kind}_temp_path {folder}/{kind};" for kind in
                     ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    return (f"user root;\ndaemon off;\npid {folder}/nginx.pid;\nerror_log {folder}/main-error.log;\n"
            f"events {{}}\nhttp {{\n    access_log {folder}/http-access.log;\n{temp}\n{servers}\n}}\n")


def make_certificate(folder: Path) -> None:
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-keyout", str(folder / "key.pem"), "-out", str(folder / "cert.pem"),
                    "-subj", f"/CN={PUBLIC_HOST}",
                    "-addext", f"subjectAltName=DNS:{PUBLIC_HOST},DNS:{STAFF_HOST},IP:127.0.0.1"],
                   check=True, capture_output=True)


class FromAddress(HTTPAdapter):
    """Connect from one loopback address, so nginx sees a client of that address."""

    def __init__(self, address: str) -> None:
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.address, 0)
        return super().init_poolmanager(*args, **kwargs)


def client_from(address: str, certificate: Path) -> requests.Session:
    session = requests.Session()
    session.mount("https://", FromAddress(address))
    # Not the machine's CA bundle from REQUESTS_CA_BUNDLE, which would win over session.verify.
    session.trust_env = False
    session.verify = str(certificate)
    return session


@dataclass
class Proxied:
    url: str
    tls_port: int
    folder: Path


@pytest.fixture(scope="module")
def proxied(tmp_path_factory) -> Iterator[Proxied]:
    folder = tmp_path_factory.mktemp("nginx")
    public_port, tls_port, http_port = free_port(), free_port(), free_port()
    environ = server_environment(f"sqlite:///{folder}/portal.db", public_port, PORTAL_ZONE="public",
                                 PORTAL_PROXY_COUNT="1", PORTAL_RATELIMIT_DEFAULT=f'"{PAGE_LIMIT} per minute"', WEB_CONCURRENCY="1")
    run_flask(environ, "db", "upgrade")
    run_flask(environ, "seed-demo")
    make_certificate(folder)
    config = folder / "nginx.conf"
    config.write_text(for_this_machine(readme_nginx_example(), folder, tls_port, http_port, public_port))
    checked = subprocess.run([NGINX, "-t", "-c", str(config)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    with Server(gunicorn_command(), environ, public_port):
        with subprocess.Popen([NGINX, "-c", str(config)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True) as nginx:
            try:
                wait_until_listening(tls_port, nginx)
                yield Proxied(f"https://127.0.0.1:{tls_port}", tls_port, folder)
            finally:
                nginx.terminate()


def test_https_through_the_proxy_is_seen_as_https(proxied):
    response = client_from("127.0.0.1", proxied.folder / "cert.pem").get(f"{proxied.url}/official-accounts")
    assert response.status_code == 200
    assert "max-age=" in response.headers["Strict-Transport-Security"]
    assert "Deerfield" in response.text


def test_the_public_site_leaves_no_access_log_line(proxied):
    client_from("127.0.0.1", proxied.folder / "cert.pem").get(f"{proxied.url}/terms")
    logs = [path for path in proxied.folder.glob("*access*.log") if path.stat().st_size]
    assert logs == []


def test_a_client_cannot_pick_its_own_address_but_another_client_keeps_its_own_limit(proxied):
    spoofer = client_from("127.0.0.3", proxied.folder / "cert.pem")
    statuses = [spoofer.get(f"{proxied.url}/terms", headers={"X-Forwarded-For": f"198.51.100.{n}"}).status_code
                for n in range(PAGE_LIMIT + 1)]
    assert statuses == [200] * PAGE_LIMIT + [429]
    neighbour = client_from("127.0.0.4", proxied.folder / "cert.pem")
    assert neighbour.get(f"{proxied.url}/terms").status_code == 200


def test_the_staff_host_refuses_clients_outside_the_department_network(proxied):
    response = client_from("127.0.0.5", proxied.folder / "cert.pem").get(
        f"{proxied.url}/login", headers={"Host": STAFF_HOST})
    assert response.status_code == 403


def test_a_body_over_the_public_upload_limit_is_refused_before_it_is_read(proxied):
    context = ssl.create_default_context(cafile=str(proxied.folder / "cert.pem"))
    connection = http.client.HTTPSConnection("127.0.0.1", proxied.tls_port, context=context, timeout=10)
    connection.putrequest("POST", "/tips/new")
    connection.putheader("Content-Type", "multipart/form-data; boundary=x")
    connection.putheader("Content-Length", str(42 * 1024 * 1024))
    connection.endheaders()
    assert connection.getresponse().status == 413
    connection.close()
