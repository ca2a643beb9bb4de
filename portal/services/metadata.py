"""What an uploaded file really is, and a copy of it without identifying metadata.

The type comes from the content (``filetype`` reads the magic numbers), never from the name or
the type the browser declared. Images are decoded and re-encoded from their pixels alone with
Pillow, which leaves EXIF, GPS, XMP, IPTC, comments and colour profiles behind. PDFs lose their
document properties and XMP packet (pypdf). Videos cannot be cleaned here and are kept as sent,
with a warning the tipster sees before and after sending.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

import filetype
from PIL import Image, ImageOps, UnidentifiedImageError
from pypdf import PdfReader, PdfWriter
from pypdf.errors import PdfReadError

from portal.languages import N_, Wording

IMAGE_TYPES = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP", "image/gif": "PNG"}
VIDEO_TYPES = {"video/mp4", "video/quicktime", "video/webm", "video/3gpp", "video/x-m4v"}
PDF_TYPE = "application/pdf"
MAX_IMAGE_PIXELS = 50_000_000

VIDEO_WARNING = N_(
    "Videos are stored exactly as sent: the portal cannot remove their metadata, which may "
    "include where and when they were recorded and the device used."
)
PDF_WARNING = N_("Pictures and text inside the PDF are kept as they are.")

# EXIF tags worth naming to a tipster, by the words used on the receipt.
EXIF_WORDS = {
    0x010F: N_("camera make and model"),
    0x0110: N_("camera make and model"),
    0x0132: N_("date and time"),
    0x013B: N_("author or copyright"),
    0x8298: N_("author or copyright"),
    0x9C9D: N_("author or copyright"),
    0x0131: N_("editing software"),
    0x9003: N_("date and time"),
    0x9004: N_("date and time"),
    0xA431: N_("camera serial number"),
    0xA435: N_("camera serial number"),
    0xA420: N_("unique image ID"),
}
GPS_IFD = 0x8825
EXIF_IFD = 0x8769
# Orientation, resolution, colour space, pixel size, versions: nothing about a person.
NEUTRAL_EXIF = {GPS_IFD, EXIF_IFD, 0x0112, 0x011A, 0x011B, 0x0128, 0x0213, 0x9000, 0xA000, 0xA001, 0xA002, 0xA003}
# Image.info keys that carry metadata, by the words used on the receipt.
INFO_WORDS = {
    "xmp": N_("XMP metadata"),
    "XML:com.adobe.xmp": N_("XMP metadata"),
    "photoshop": N_("IPTC metadata"),
    "comment": N_("comment"),
    "icc_profile": N_("colour profile"),
    "exif": N_("EXIF data"),
}
# Technical PNG/GIF info that says nothing about a person.
NEUTRAL_INFO = {"dpi", "gamma", "transparency", "aspect", "interlace", "progressive", "progression",
                "jfif", "jfif_version", "jfif_unit", "jfif_density", "adobe", "adobe_transform",
                "duration", "loop", "background", "version", "extension", "srgb", "chromaticity",
                "compression", "mp", "mpoffset"}


class UnacceptableFile(ValueError):
    """A file the portal will not store; the message is written for the person who sent it."""


@dataclass(frozen=True)
class CleanedFile:
    data: bytes
    media_type: str
    removed: list[str] = field(default_factory=list)
    warning: str = ""


def describe_image_metadata(image: Image.Image) -> list[str]:
    found: list[str] = []
    exif = image.getexif()
    if exif.get_ifd(GPS_IFD) or GPS_IFD in exif:
        found.append(N_("GPS location"))
    tags = set(exif) | set(exif.get_ifd(EXIF_IFD))
    found.extend(EXIF_WORDS[tag] for tag in sorted(tags) if tag in EXIF_WORDS)
    if tags - set(EXIF_WORDS) - NEUTRAL_EXIF:
        found.append(N_("other camera data"))
    for key in image.info:
        if key in INFO_WORDS:
            found.append(INFO_WORDS[key])
        elif key not in NEUTRAL_INFO:
            found.append(N_("text fields"))
    return list(dict.fromkeys(word for word in found if word != "EXIF data" or not tags))


def clean_image(data: bytes, media_type: str) -> CleanedFile:
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.width * image.height > MAX_IMAGE_PIXELS:
                raise UnacceptableFile(N_("is too large an image (more than 50 megapixels)."))
            removed = describe_image_metadata(image)
            # Turn the picture the way the camera meant before the orientation tag is dropped.
            upright = ImageOps.exif_transpose(image)
            mode = "RGBA" if upright.mode in ("RGBA", "LA", "PA") or "transparency" in upright.info else "RGB"
            pixels = upright.convert(mode)
            bare = Image.frombytes(mode, pixels.size, pixels.tobytes())
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        if isinstance(error, UnacceptableFile):
            raise
        raise UnacceptableFile(N_("could not be read as an image. Try saving it again as JPEG or PNG.")) from None
    output_format = IMAGE_TYPES[media_type]
    if output_format == "JPEG" and bare.mode == "RGBA":
        bare = bare.convert("RGB")
    buffer = io.BytesIO()
    bare.save(buffer, format=output_format, **({"quality": 90} if output_format in ("JPEG", "WEBP") else {}))
    return CleanedFile(buffer.getvalue(), Image.MIME[output_format], removed)


def clean_pdf(data: bytes) -> CleanedFile:
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise UnacceptableFile(N_("is protected by a password. Please send it without the password."))
        properties = sorted({str(key).lstrip("/").lower() for key, value in (reader.metadata or {}).items()
                             if str(value).strip()})
        removed = [Wording("document properties (%(names)s)", names=", ".join(properties))] if properties else []
        if "/Metadata" in reader.trailer["/Root"]:
            removed.append(N_("XMP metadata"))
        writer = PdfWriter(clone_from=reader)
        writer.metadata = None
        writer.xmp_metadata = None
        buffer = io.BytesIO()
        writer.write(buffer)
    except UnacceptableFile:
        raise
    except (PdfReadError, OSError, ValueError, KeyError, TypeError, RecursionError):
        raise UnacceptableFile(N_("could not be read as a PDF. Try saving or printing it to PDF again.")) from None
    return CleanedFile(buffer.getvalue(), PDF_TYPE, removed, PDF_WARNING)


def clean_upload(data: bytes) -> CleanedFile:
    """The file to store, or ``UnacceptableFile`` saying why not."""
    if not data:
        raise UnacceptableFile(N_("is empty."))
    kind = filetype.guess(data)
    media_type = kind.mime if kind else ""
    if media_type in IMAGE_TYPES:
        return clean_image(data, media_type)
    if media_type == PDF_TYPE:
        return clean_pdf(data)
    if media_type in VIDEO_TYPES:
        return CleanedFile(data, media_type, [], VIDEO_WARNING)
    raise UnacceptableFile(N_("is not a photo (JPEG, PNG, WebP, GIF), a video (MP4, MOV, WebM) or a PDF."))
