"""The README's backup and restore, done as written: the site comes back whole from its backups.

A tip with an attachment and an audited staff account are backed up (pg_dump, or SQLite's online
backup, and a tar of the files), the originals are destroyed, and after the restore the tipster
opens their tip, the attachment is byte for byte the same and ``audit verify`` passes.
"""

from __future__ import annotations

import hashlib
import io
import subprocess
import tarfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.conftest import PASSWORD
from tests.helpers import DATA, TipActions
from tests.reliability.conftest import POSTGRES_URL

pytestmark = pytest.mark.reliability

SERVER_URL = POSTGRES_URL.rsplit("/", 1)[0]


def libpq_url(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def run_admin_sql(statement: str) -> None:
    engine = sa.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(sa.text(statement))
    engine.dispose()


@pytest.fixture
def new_postgres_database() -> Iterator:
    """Makes whole databases, as an operator's createdb would, and drops them afterwards."""
    made: list[str] = []

    def make() -> str:
        name = f"portal_restore_{uuid.uuid4().hex[:10]}"
        run_admin_sql(f'CREATE DATABASE "{name}"')
        made.append(name)
        return f"{SERVER_URL}/{name}"

    yield make
    for name in made:
        run_admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def file_digests(folder: Path) -> dict[str, str]:
    return {str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(folder.rglob("*")) if path.is_file()}


def build_site(make_app, database_url: str, upload_folder: Path):
    app = make_app("public", create_schema=False, PORTAL_DATABASE_URL=database_url,
                   PORTAL_UPLOAD_FOLDER=str(upload_folder), PORTAL_TIP_MIN_FILL_SECONDS=0)
    runner = app.test_cli_runner()
    for command in (["db", "upgrade"], ["seed-demo"]):
        assert runner.invoke(args=command).exit_code == 0
    return app


def fill_site(app) -> tuple[str, str]:
    created = app.test_cli_runner().invoke(
        args=["staff", "create", "--email", "records@example.org", "--name", "Pat Records", "--role", "admin"],
        input=f"{PASSWORD}\n")
    assert created.exit_code == 0, created.output
    attachment = (io.BytesIO((DATA / "photo_with_gps.jpg").read_bytes()), "van.jpg")
    tipster = TipActions(app.test_client())
    response = tipster.submit(files=[attachment], description="The same van parks behind the school at night.")
    assert response.status_code == 200
    return tipster.credentials(response)


def archive_files(folder: Path, archive: Path) -> None:
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(folder, arcname=folder.name)


def restore_files(archive: Path, into: Path) -> None:
    with tarfile.open(archive) as tar:
        tar.extractall(into, filter="data")


def assert_restored_site_is_whole(make_app, database_url: str, upload_folder: Path, credentials, digests) -> None:
    app = make_app("public", create_schema=False, PORTAL_DATABASE_URL=database_url,
                   PORTAL_UPLOAD_FOLDER=str(upload_folder))
    runner = app.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    verified = runner.invoke(args=["audit", "verify"])
    assert verified.exit_code == 0, verified.output
    assert "The audit chain of 0 entries" not in verified.output
    status = TipActions(app.test_client()).check(*credentials)
    assert status.status_code == 200
    assert "The same van parks behind the school at night." in status.get_data(as_text=True)
    assert file_digests(upload_folder) == digests and digests


def test_postgresql_comes_back_from_pg_dump_and_the_files_archive(make_app, new_postgres_database, tmp_path):
    source, uploads = new_postgres_database(), tmp_path / "uploads"
    credentials = fill_site(build_site(make_app, source, uploads))
    digests = file_digests(uploads)
    dump, archive = tmp_path / "portal.dump", tmp_path / "files.tar.gz"
    subprocess.run(["pg_dump", "--format=custom", f"--file={dump}", libpq_url(source)], check=True)
    archive_files(uploads, archive)

    run_admin_sql(f'DROP DATABASE "{source.rsplit("/", 1)[1]}" WITH (FORCE)')
    for path in uploads.rglob("*"):
        if path.is_file():
            path.unlink()

    restored, restored_root = new_postgres_database(), tmp_path / "restored"
    subprocess.run(["pg_restore", "--no-owner", f"--dbname={libpq_url(restored)}", str(dump)], check=True)
    restore_files(archive, restored_root)
    assert_restored_site_is_whole(make_app, restored, restored_root / "uploads", credentials, digests)


def test_sqlite_comes_back_from_its_online_backup(make_app, tmp_path):
    live, uploads = tmp_path / "portal.db", tmp_path / "uploads"
    app = build_site(make_app, f"sqlite:///{live}", uploads)
    credentials = fill_site(app)
    digests = file_digests(uploads)
    backup, archive = tmp_path / "backup.db", tmp_path / "files.tar.gz"
    subprocess.run(["sqlite3", str(live), f".backup {backup}"], check=True)
    archive_files(uploads, archive)

    restored_root = tmp_path / "restored"
    restore_files(archive, restored_root)
    check = subprocess.run(["sqlite3", str(backup), "PRAGMA integrity_check"], check=True, capture_output=True,
                           text=True)
    assert check.stdout.strip() == "ok"
    assert_restored_site_is_whole(make_app, f"sqlite:///{backup}", restored_root / "uploads", credentials, digests)
