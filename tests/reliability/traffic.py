"""A crowd of tipsters and reporters sending the public forms to a served portal, and a check of what it kept.

Each person has a session (cookie jar) of their own, fetches the form, reads its CSRF token and
form token from the page, and sends text and files as multipart, as a browser does. A submission
counts as acknowledged only when the answer is the receipt page. A request that dies without an
answer (a killed worker, a server starting again) is sent again with the very same form, as a
person pressing Send again would; the tip form's token makes the portal keep such a tip once.

``audit`` then reads the database and the upload folder and lists every difference from what
was sent. Photos are re-encoded by the portal, so a PNG is compared by its pixels and a JPEG by
its size and how close its pixels stay; a PDF (rewritten without its properties) by its pages'
text; a video, kept as sent, by its bytes. Every stored file must match its row's SHA-256.
"""

from __future__ import annotations

import hashlib
import html
import io
import random
import re
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

import requests
import sqlalchemy as sa
from PIL import Image, ImageChops, ImageDraw, ImageStat
from pypdf import PdfReader
from sqlalchemy.orm import Session, selectinload

from portal.models import Attachment, Report, Tip
from portal.services.tips import DEFAULT_CATEGORIES
from tests.helpers import ELIGIBLE, hidden_value

# What a client sees of a request that died with its server: no answer at all.
LOST = (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError)
TIMEOUT = (5, 60)
RETRY_PAUSE = 0.2
TIP_CATEGORIES = [slug for slug, _name in DEFAULT_CATEGORIES]
REPORT_TYPES = ("theft", "fraud", "other")
TEXTS = (
    "A grey van parks behind the library every night around 11 pm and people queue at its door.",
    "Ünïcödé, 日本語, العربية and an emoji 🚓, kept as typed.",
    "<b>Not markup</b> & \"double\" 'single' <script>alert(1)</script> {{ 7*7 }}",
    "Line one\r\nLine two\r\n\r\nAfter a blank line.",
    "   spaces before and after   ",
)
WORDS = "alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima".split()
VIDEO_HEADER = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"
MEDIA_TYPES = {"jpeg": "image/jpeg", "png": "image/png", "pdf": "application/pdf", "video": "video/mp4"}
FILE_NAMES = {"jpeg": "IMG_0042.JPG", "png": "screenshot.png", "pdf": "statement.pdf", "video": "clip.mp4"}
# A re-encoded JPEG of flat shapes stays within a few levels of the original; a wrong or
# truncated picture is far off.
JPEG_MEAN_DIFFERENCE = 8


@dataclass(frozen=True)
class SentFile:
    kind: str
    data: bytes

    def part(self) -> tuple[str, tuple[str, bytes, str]]:
        return "attachments", (FILE_NAMES[self.kind], self.data, MEDIA_TYPES[self.kind])


@dataclass
class Submission:
    """One person's tip or report: what they typed and attached, and what the portal answered."""

    kind: str
    marker: str
    fields: dict[str, str]
    files: list[SentFile]
    report_type: str = ""
    receipt: str | None = None
    passphrase: str | None = None
    acknowledged_at: float | None = None
    # POSTs of the form that died without an answer, each sent again.
    lost_answers: int = 0
    # Statuses of answers that were not the receipt; 0 when the form itself never came.
    refusals: list[int] = field(default_factory=list)

    @property
    def path(self) -> str:
        return "/tips/new" if self.kind == "tip" else f"/reports/new/{self.report_type}"


# What each person sends; the same seed gives the same crowd.

def jpeg(rng: random.Random) -> bytes:
    """Flat shapes with camera EXIF, which the portal must drop."""
    width, height = rng.choice([(64, 48), (320, 240), (800, 600), (1280, 960)])
    image = Image.new("RGB", (width, height), tuple(rng.randrange(256) for _ in range(3)))
    draw = ImageDraw.Draw(image)
    for _ in range(rng.randrange(3, 20)):
        left, top = rng.randrange(width), rng.randrange(height)
        draw.rectangle((left, top, left + rng.randrange(1, width), top + rng.randrange(1, height)),
                       fill=tuple(rng.randrange(256) for _ in range(3)))
    exif = Image.Exif()
    exif[0x010F], exif[0x0110], exif[0x0132] = "Example Camera", "Model 7", "2026:11:20 22:15:00"
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=rng.choice([75, 90, 95]), exif=exif)
    return buffer.getvalue()


def png(rng: random.Random) -> bytes:
    """Noise, so that sizes vary from a few to a few hundred kilobytes."""
    width, height = rng.randrange(8, 320), rng.randrange(8, 320)
    buffer = io.BytesIO()
    Image.frombytes("RGB", (width, height), rng.randbytes(width * height * 3)).save(buffer, "PNG")
    return buffer.getvalue()


def pdf(rng: random.Random, marker: str) -> bytes:
    """A one-page statement with document properties, which the portal must drop."""
    lines = [f"Statement {marker}"] + [f"Line {number} {rng.choice(WORDS)}" for number in range(rng.randrange(1, 300))]
    content = ("BT /F1 9 Tf 36 806 Td 10 TL " + " ".join(f"({line}) '" for line in lines) + " ET").encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Author (A. Witness) /Title (My statement) >>",
    ]
    document = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(document))
        document += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(document)
    document += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    document += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    document += b"trailer\n<< /Size %d /Root 1 0 R /Info 6 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(document)


def video(rng: random.Random) -> bytes:
    return VIDEO_HEADER + rng.randbytes(rng.randrange(1_000, 300_000))


def sent_files(rng: random.Random, marker: str) -> list[SentFile]:
    count = rng.choices([0, 1, 2, 3], weights=[3, 4, 2, 1])[0]
    makers = {"jpeg": jpeg, "png": png, "pdf": lambda generator: pdf(generator, marker), "video": video}
    kinds = [rng.choice(list(makers)) for _ in range(count)]
    return [SentFile(kind, makers[kind](rng)) for kind in kinds]


def typed_text(rng: random.Random, marker: str) -> str:
    """The marker first, so that a stored record leads back to the submission it came from."""
    return marker + " " + " ".join(rng.choice(TEXTS) for _ in range(rng.randrange(1, 30)))


def plan_tip(rng: random.Random, marker: str) -> Submission:
    fields = {"category": rng.choice(TIP_CATEGORIES), "description": typed_text(rng, marker),
              "when_text": rng.choice(["", "Last night", "Every Friday ~ 23:00"]),
              "where_text": rng.choice(["", "Behind the library, 920 Waukegan Rd", "Jewett Park ⛲"]),
              "website": "", "notice": ""}
    if rng.random() < 0.4:
        fields["latitude"] = f"{42.1 + rng.random() / 10:.6f}"
        fields["longitude"] = f"{-87.9 + rng.random() / 10:.6f}"
    if rng.random() < 0.3:
        fields.update(contact_name="Jo Q. Public", contact_phone="(847) 555-0147", contact_email="jo@example.org")
    return Submission("tip", marker, fields, sent_files(rng, marker))


def plan_report(rng: random.Random, marker: str) -> Submission:
    report_type = rng.choice(REPORT_TYPES)
    occurred = datetime.now() - timedelta(days=rng.randrange(1, 20), minutes=rng.randrange(1440))
    fields = {"occurred_from": occurred.strftime("%Y-%m-%dT%H:%M"), "location": rng.choice(
                  ["Deerfield train station, bike rack", "Deerfield Square parking lot, level 2"]),
              "narrative": typed_text(rng, marker), "reporter_name": "Ann Lee-Ørsted",
              "reporter_email": f"{marker.lower()}@example.org", "reporter_phone": "847-555-0123",
              "reporter_address": "12 Elm Street, Deerfield, IL 60015"}
    if report_type == "theft":
        for row in range(rng.randrange(1, 4)):
            fields.update({f"items-{row}-description": f"{rng.choice(WORDS).title()} bicycle",
                           f"items-{row}-brand": rng.choice(["", "Trek", "Giant"]),
                           f"items-{row}-serial_number": rng.choice(["", f"SN-{rng.randrange(10**6)}"]),
                           f"items-{row}-value": f"{rng.randrange(1, 300)}.{rng.randrange(100):02d}"})
    if report_type == "fraud":
        fields.update(amount_lost=f"{rng.randrange(1, 900)}.{rng.randrange(100):02d}", payment_method="gift cards",
                      offender_contact="+1 (312) 555-0199, “IRS agent”")
    return Submission("report", marker, fields, sent_files(rng, marker), report_type)


class Crowd:
    """Up to ``clients`` people at once sending tips and reports until a count or a time is reached."""

    def __init__(self, base_url: str, seed: int = 0, report_share: float = 0.3, patience: float = 30) -> None:
        self.base_url, self.seed, self.report_share, self.patience = base_url, seed, report_share, patience
        self.errors: list[BaseException] = []

    def plan(self, index: int) -> Submission:
        rng = random.Random(f"{self.seed}-{index}")
        if rng.random() < self.report_share:
            return plan_report(rng, f"R{self.seed}x{index:05d}")
        return plan_tip(rng, f"T{self.seed}x{index:05d}")

    def run(self, clients: int, limit: int, seconds: float) -> list[Submission]:
        """Every submission started; none is started after ``seconds``."""
        started: list[Submission] = []
        lock = threading.Lock()
        deadline = time.monotonic() + seconds

        def person() -> None:
            while time.monotonic() < deadline:
                with lock:
                    if len(started) >= limit:
                        return
                    submission = self.plan(len(started))
                    started.append(submission)
                try:
                    self.send(submission)
                except Exception as error:  # noqa: BLE001 - reported by the test, not lost in a thread
                    self.errors.append(error)
                    return

        threads = [threading.Thread(target=person, daemon=True) for _ in range(clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=seconds + 2 * self.patience + TIMEOUT[1])
        if any(thread.is_alive() for thread in threads):
            self.errors.append(TimeoutError("a client was still sending after its time was up"))
        return started

    def send(self, submission: Submission) -> None:
        with requests.Session() as session:
            self.fill_in_and_send(session, submission)

    def fill_in_and_send(self, session: requests.Session, submission: Submission) -> None:
        """Fetch the form (after the screening questions, for a report), send it, and read the receipt."""
        form_url = submission.path
        if submission.kind == "report":
            form_url = self.screened_form_url(session, submission.report_type)
            if form_url is None:
                submission.refusals.append(0)
                return
        page = self.fetch(session, "GET", form_url)
        if page is None or page.status_code != 200:
            submission.refusals.append(page.status_code if page is not None else 0)
            return
        hidden = {name: hidden_value(page.text, name) for name in ("csrf_token", "form_token", "terms_version",
                                                                   "screening")}
        data = {**{name: value for name, value in hidden.items() if value}, **submission.fields}
        # An empty file part when nothing is attached, as a browser sends it.
        files = [file.part() for file in submission.files] or [("attachments", ("", b"", "application/octet-stream"))]
        answer = self.send_until_answered(session, submission, data, files)
        if answer is None:
            return
        label = "tip-number" if submission.kind == "tip" else "report-reference"
        receipt = re.search(rf'data-receipt="{label}">([^<]+)<', answer.text)
        if answer.status_code != 200 or receipt is None:
            submission.refusals.append(answer.status_code)
            return
        passphrase = re.search(r'data-receipt="passphrase">([^<]+)<', answer.text)
        submission.receipt = html.unescape(receipt.group(1))
        submission.passphrase = html.unescape(passphrase.group(1)) if passphrase else None
        submission.acknowledged_at = time.monotonic()

    def screened_form_url(self, session: requests.Session, report_type: str) -> str | None:
        page = self.fetch(session, "GET", "/reports/screening")
        if page is None:
            return None
        answers = {**ELIGIBLE, "csrf_token": hidden_value(page.text, "csrf_token")}
        screened = self.fetch(session, "POST", "/reports/screening", data=answers)
        token = re.search(r"screening=([^\"&]+)", screened.text) if screened is not None else None
        return f"/reports/new/{report_type}?screening={token.group(1)}" if token else None

    def fetch(self, session: requests.Session, method: str, path: str, **options) -> requests.Response | None:
        """A request that stores nothing, tried again while the server is away; None if it never answered."""
        deadline = time.monotonic() + self.patience
        while True:
            try:
                return session.request(method, self.base_url + path, timeout=TIMEOUT, **options)
            except LOST:
                if time.monotonic() > deadline:
                    return None
                time.sleep(RETRY_PAUSE)

    def send_until_answered(self, session: requests.Session, submission: Submission, data: dict[str, str],
                            files: list) -> requests.Response | None:
        """The same form sent again after each lost answer, for as long as a person would keep trying."""
        deadline = time.monotonic() + self.patience
        while True:
            try:
                return session.post(self.base_url + submission.path, data=data, files=files, timeout=TIMEOUT)
            except LOST:
                submission.lost_answers += 1
                if time.monotonic() > deadline:
                    return None
                time.sleep(RETRY_PAUSE)


def send_form(base_url: str, path: str, fields: dict[str, str]) -> requests.Response:
    """Fetch a form, as a new visitor, and send it with its CSRF token."""
    with requests.Session() as session:
        form = session.get(base_url + path, timeout=TIMEOUT)
        return session.post(base_url + path, data={"csrf_token": hidden_value(form.text, "csrf_token"), **fields},
                            timeout=TIMEOUT)


def tip_page_description(base_url: str, tip_number: str, passphrase: str) -> str | None:
    """What the tipster reads as "What you sent" after opening the tip with its receipt; None if it does not open."""
    answer = send_form(base_url, "/tips/check", {"tip_number": tip_number, "passphrase": passphrase})
    shown = re.search(r'data-tip="description">([^<]*)<', answer.text)
    return html.unescape(shown.group(1)) if answer.status_code == 200 and shown else None


def report_status_opens(base_url: str, reference: str, email: str) -> bool:
    answer = send_form(base_url, "/reports/status", {"reference": reference, "email": email})
    return answer.status_code == 200 and reference in answer.text


# What the portal kept, compared with what was sent.

@dataclass
class Audit:
    """Differences between what the crowd sent and what the database and upload folder hold."""

    stored: dict[str, int] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    damaged: dict[str, list[str]] = field(default_factory=dict)
    unacknowledged: list[Submission] = field(default_factory=list)
    strangers: list[str] = field(default_factory=list)
    copies: dict[str, int] = field(default_factory=dict)


def image_pixels(data: bytes) -> Image.Image:
    with Image.open(io.BytesIO(data)) as image:
        return image.convert("RGB")


def file_differences(sent: SentFile, attachment: Attachment, upload_folder: Path) -> list[str]:
    path = upload_folder / attachment.stored_name
    if not path.is_file():
        return [f"{sent.kind}: file {attachment.stored_name} missing"]
    kept = path.read_bytes()
    if hashlib.sha256(kept).hexdigest() != attachment.sha256 or len(kept) != attachment.size_bytes:
        return [f"{sent.kind}: file differs from its row's checksum or size"]
    if attachment.media_type != MEDIA_TYPES[sent.kind]:
        return [f"{sent.kind}: stored as {attachment.media_type}"]
    if sent.kind == "video" and kept != sent.data:
        return ["video: bytes differ from those sent"]
    if sent.kind == "png" and image_pixels(kept).tobytes() != image_pixels(sent.data).tobytes():
        return ["png: pixels differ from those sent"]
    if sent.kind == "jpeg":
        before, after = image_pixels(sent.data), image_pixels(kept)
        if before.size != after.size:
            return [f"jpeg: {after.size} instead of {before.size}"]
        if max(ImageStat.Stat(ImageChops.difference(before, after)).mean) > JPEG_MEAN_DIFFERENCE:
            return ["jpeg: pixels far from those sent"]
        with Image.open(io.BytesIO(kept)) as image:
            if image.getexif():
                return ["jpeg: camera EXIF kept"]
    if sent.kind == "pdf":
        before, after = PdfReader(io.BytesIO(sent.data)), PdfReader(io.BytesIO(kept))
        if [page.extract_text() for page in before.pages] != [page.extract_text() for page in after.pages]:
            return ["pdf: text differs from that sent"]
        if after.metadata and after.metadata.get("/Author"):
            return ["pdf: document properties kept"]
    return []


def tip_differences(sent: Submission, tip: Tip) -> list[str]:
    expected = {name: sent.fields.get(name, "") for name in
                ("description", "when_text", "where_text", "contact_name", "contact_phone", "contact_email")}
    kept = {name: getattr(tip, name) for name in expected}
    differences = [f"{name}: {kept[name]!r} != {expected[name]!r}" for name in expected if kept[name] != expected[name]]
    if tip.category.slug != sent.fields["category"]:
        differences.append(f"category {tip.category.slug} != {sent.fields['category']}")
    for name in ("latitude", "longitude"):
        wanted = Decimal(sent.fields[name]) if name in sent.fields else None
        if getattr(tip, name) != wanted:
            differences.append(f"{name}: {getattr(tip, name)} != {wanted}")
    return differences


def report_differences(sent: Submission, report: Report) -> list[str]:
    names = ("location", "narrative", "reporter_name", "reporter_email", "reporter_phone", "reporter_address")
    differences = [f"{name}: {getattr(report, name)!r} != {sent.fields[name]!r}" for name in names
                   if getattr(report, name) != sent.fields[name]]
    if report.report_type != sent.report_type:
        differences.append(f"type {report.report_type} != {sent.report_type}")
    details = {name: sent.fields[name] for name in ("amount_lost", "payment_method", "offender_contact")
               if name in sent.fields}
    if report.details != details:
        differences.append(f"details {report.details} != {details}")
    rows = sorted({key.split("-")[1] for key in sent.fields if key.startswith("items-")})
    items = [(sent.fields[f"items-{row}-description"], sent.fields[f"items-{row}-brand"],
              sent.fields[f"items-{row}-serial_number"], Decimal(sent.fields[f"items-{row}-value"])) for row in rows]
    kept = [(item.description, item.brand, item.serial_number, item.value) for item in report.items]
    if kept != items:
        differences.append(f"items {kept} != {items}")
    return differences


def record_differences(sent: Submission, record: Tip | Report, upload_folder: Path) -> list[str]:
    differences = tip_differences(sent, record) if sent.kind == "tip" else report_differences(sent, record)
    if len(record.attachments) != len(sent.files):
        return differences + [f"{len(record.attachments)} files kept of {len(sent.files)} sent"]
    for file, attachment in zip(sent.files, record.attachments):
        differences += file_differences(file, attachment, upload_folder)
    return differences


def audit(submissions: list[Submission], engine: sa.Engine, upload_folder: Path) -> Audit:
    """Every stored tip and report against the submission its marker names."""
    by_marker = {submission.marker: submission for submission in submissions}
    result = Audit()
    with Session(engine) as session:
        tips = session.scalars(sa.select(Tip).options(selectinload(Tip.attachments), selectinload(Tip.category)))
        reports = session.scalars(sa.select(Report).options(selectinload(Report.attachments),
                                                            selectinload(Report.items)))
        records = [(tip.tip_number, tip.description, tip) for tip in tips]
        records += [(report.reference, report.narrative, report) for report in reports]
        result.stored = {"tip": sum(isinstance(record, Tip) for *_, record in records),
                         "report": sum(isinstance(record, Report) for *_, record in records)}
        kept_receipts = set()
        for receipt, text, record in records:
            kept_receipts.add(receipt)
            sent = by_marker.get(text.split(" ", 1)[0])
            if sent is None:
                result.strangers.append(receipt)
                continue
            result.copies[sent.marker] = result.copies.get(sent.marker, 0) + 1
            differences = record_differences(sent, record, upload_folder)
            if differences:
                result.damaged[receipt] = differences
            if receipt != sent.receipt:
                result.unacknowledged.append(sent)
    result.missing = [submission.receipt for submission in submissions
                      if submission.receipt and submission.receipt not in kept_receipts]
    return result
