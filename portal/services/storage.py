"""Attachment files under the upload folder: random names, confined paths, synced to disk."""

from __future__ import annotations

import os
import secrets
from pathlib import Path


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
    try:
        os.makedirs(folder, mode=0o700, exist_ok=True)
        stored_name = secrets.token_hex(16)
        path = confined_path(folder, stored_name)
        partial = path.with_name(stored_name + ".partial")
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
    except OSError as error:
        raise StorageError(f"upload folder not writable: {type(error).__name__}") from None
    return stored_name


def delete_files(folder: str, stored_names: list[str]) -> None:
    for stored_name in stored_names:
        confined_path(folder, stored_name).unlink(missing_ok=True)


def read_file(folder: str, stored_name: str) -> bytes:
    return confined_path(folder, stored_name).read_bytes()
