"""Attachment files under the upload folder: random names, confined paths, synced to disk."""

from __future__ import annotations

import errno
import logging
import os
import secrets
from contextlib import suppress
from pathlib import Path

log = logging.getLogger(__name__)


class StorageError(RuntimeError):
    """The upload folder cannot be written: the submission must not be acknowledged."""


def confined_path(folder: str, stored_name: str) -> Path:
    """The file's path, refusing any name that would leave the folder."""
    root = Path(folder).resolve()
    path = (root / stored_name).resolve()
    if path.parent != root or not stored_name.isalnum():
        raise ValueError("stored file name outside the upload folder")
    return path


def write_file(folder: str, data: bytes) -> str:
    """Write ``data`` under a new random name, durably, and return that name."""
    stored_name = secrets.token_hex(16)
    try:
        os.makedirs(folder, mode=0o700, exist_ok=True)
        write_durably(confined_path(folder, stored_name), data)
    except OSError as error:
        # ENOSPC and EDQUOT (a full disk or quota) end here too, named in the log for the operator.
        code = errno.errorcode.get(error.errno or 0, type(error).__name__)
        log.error("upload.write_failed error=%s", code)
        raise StorageError(f"upload folder not writable: {code}") from None
    return stored_name


def write_durably(path: Path, data: bytes) -> None:
    """Write, fsync and rename into place; a failure part way leaves no file behind."""
    partial = path.with_name(path.name + ".partial")
    try:
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(partial, path)
        directory = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)
    except OSError:
        for leftover in (partial, path):
            with suppress(OSError):
                leftover.unlink(missing_ok=True)
        raise


def delete_files(folder: str, stored_names: list[str]) -> None:
    for stored_name in stored_names:
        confined_path(folder, stored_name).unlink(missing_ok=True)


def read_file(folder: str, stored_name: str) -> bytes:
    return confined_path(folder, stored_name).read_bytes()
