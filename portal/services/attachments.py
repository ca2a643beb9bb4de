"""Files sent with tips and reports: limits, cleaning, storage, and one unit of work with the rows."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from portal.exceptions import InvalidInput
from portal.extensions import db
from portal.languages import N_, Wording
from portal.models import Attachment
from portal.services import storage
from portal.services.metadata import CleanedFile, UnacceptableFile, clean_upload


@dataclass(frozen=True)
class UploadLimits:
    max_files: int
    max_file_bytes: int
    max_total_bytes: int


@dataclass(frozen=True)
class Upload:
    """A file as received: its name is only for messages, never for storage or typing."""

    filename: str
    data: bytes


@dataclass(frozen=True)
class AttachmentReceipt:
    """What the sender is told about one file: its type, what was removed, what could not be."""

    position: int
    media_type: str
    removed: list[str]
    warning: str


FILE_EXTENSIONS = {"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp", "application/pdf": ".pdf",
                   "video/mp4": ".mp4", "video/quicktime": ".mov", "video/webm": ".webm"}


def file_extension(media_type: str) -> str:
    """For a download's name only: the stored file has none, and its type came from its content."""
    return FILE_EXTENSIONS.get(media_type, ".bin")


def megabytes(size: int) -> int:
    return size // (1024 * 1024)


def clean_uploads(uploads: Sequence[Upload], limits: UploadLimits) -> list[CleanedFile]:
    """Clean every file or refuse the lot, naming the file at fault."""
    present = [upload for upload in uploads if upload.data or upload.filename]
    if len(present) > limits.max_files:
        raise InvalidInput("Please attach at most %(limit)s files.", "attachments", limit=limits.max_files)
    if sum(len(upload.data) for upload in present) > limits.max_total_bytes:
        raise InvalidInput("Together the files are larger than %(limit)s MB. Please send fewer or smaller files.",
                           "attachments", limit=megabytes(limits.max_total_bytes))
    cleaned = []
    for position, upload in enumerate(present, start=1):
        file = {"position": position, "name": upload.filename}
        if len(upload.data) > limits.max_file_bytes:
            raise InvalidInput(N_("File %(position)s (%(name)s) is larger than %(limit)s MB.") if upload.filename
                               else N_("File %(position)s is larger than %(limit)s MB."), "attachments",
                               limit=megabytes(limits.max_file_bytes), **file)
        try:
            cleaned.append(clean_upload(upload.data))
        except UnacceptableFile as reason:
            raise InvalidInput(N_("File %(position)s (%(name)s) %(reason)s") if upload.filename
                               else N_("File %(position)s %(reason)s"), "attachments",
                               reason=Wording(reason.args[0]), **file) from None
    return cleaned


@contextmanager
def files_with_transaction(folder: str) -> Iterator[list[str]]:
    """Collect the names of files written inside; if the block fails, roll back and delete them.

    A submission is acknowledged only after its rows commit, and a failed commit leaves no
    orphan file behind.
    """
    written: list[str] = []
    try:
        yield written
    except BaseException:
        db.session.rollback()
        storage.delete_files(folder, written)
        raise


def store_cleaned_files(cleaned: list[CleanedFile], folder: str, created_at: datetime, written: list[str],
                        **owner: Any) -> list[AttachmentReceipt]:
    """Write each file durably and attach its row to ``owner`` (``tip=``, ``message=``, ``report=``)."""
    receipts = []
    for position, file in enumerate(cleaned, start=1):
        stored_name = storage.write_file(folder, file.data)
        written.append(stored_name)
        db.session.add(Attachment(
            **owner, stored_name=stored_name, media_type=file.media_type, size_bytes=len(file.data),
            sha256=hashlib.sha256(file.data).hexdigest(), metadata_removed="; ".join(file.removed),
            metadata_warning=file.warning, created_at=created_at,
        ))
        receipts.append(AttachmentReceipt(position, file.media_type, file.removed, file.warning))
    return receipts
