"""Pictures sent with a text, fetched from the provider and nowhere else.

A text's media URLs come inside a signed webhook, but a URL is still only fetched when its
origin (scheme, host and port) is one of ``PORTAL_SMS_MEDIA_ORIGINS``, and so is every redirect
(Twilio answers a media URL with a redirect to its file store). The account's credentials go only
to the first origin. Each file is read up to the upload limit and then goes through the same
cleaning as a web upload (attachments.clean_uploads), so its type comes from its content.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import requests

from portal.services.attachments import Upload

MAX_REDIRECTS = 3
CHUNK_BYTES = 64 * 1024


@dataclass(frozen=True)
class MediaSettings:
    origins: tuple[str, ...]
    timeout: float
    account_sid: str
    auth_token: str


class MediaRefused(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def fetch_media(urls: tuple[str, ...], settings: MediaSettings, max_bytes: int) -> list[Upload]:
    return [Upload(f"picture {position}", fetch_one(url, settings, max_bytes))
            for position, url in enumerate(urls, start=1)]


def fetch_one(url: str, settings: MediaSettings, max_bytes: int) -> bytes:
    first_origin = origin_of(url)
    for _ in range(MAX_REDIRECTS + 1):
        if origin_of(url) not in settings.origins:
            raise MediaRefused("not from the provider")
        auth = (settings.account_sid, settings.auth_token) if origin_of(url) == first_origin else None
        try:
            with requests.get(url, auth=auth, timeout=settings.timeout, allow_redirects=False, stream=True) as answer:
                if answer.is_redirect:
                    url = urljoin(url, answer.headers["Location"])
                    continue
                if answer.status_code != 200:
                    raise MediaRefused(f"the provider answered {answer.status_code}")
                return read_bounded(answer, max_bytes)
        except requests.RequestException as error:
            raise MediaRefused(f"the provider could not be reached: {type(error).__name__}") from None
    raise MediaRefused("too many redirects")


def read_bounded(answer: requests.Response, max_bytes: int) -> bytes:
    data = bytearray()
    for chunk in answer.iter_content(CHUNK_BYTES):
        data.extend(chunk)
        if len(data) > max_bytes:
            raise MediaRefused("larger than the upload limit")
    return bytes(data)
