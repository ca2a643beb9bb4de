"""Public pages that are the same for every visitor, drawn once per content version.

A page marked ``shared_page`` is drawn by its view once per version of the public content
(services/public_content.py) and kept, with its headers, by each worker. A resident arriving
from a shared link (no cookie) then gets it straight from the store, before the rest of the app
runs; a browser or proxy that has it gets a 304. The page says ``Cache-Control: public,
no-cache``: a proxy may keep it but must ask again every time, so a published, cancelled or
expired notice shows at once, never minutes later. Only views with no form that posts, no
cookie and nothing personal are marked.

A page answered from the store is not counted against the per-client page limit: handing it out
costs less than counting it would (a Redis round trip), and the limit is there to protect the
work behind a page. A flood of such requests is for the proxy in front to limit (the README's
nginx example does).
"""

from __future__ import annotations

import functools
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TypeVar

from flask import Flask, Response, current_app, make_response, request, session
from werkzeug.http import parse_etags
from werkzeug.middleware.proxy_fix import ProxyFix

from portal.language_choice import language_from_environ
from portal.services.public_content import VersionWatch, watch_versions

View = TypeVar("View", bound=Callable[..., object])

SHARED_CACHE_CONTROL = "public, no-cache"
# Per worker process. Bounded, since anyone can make up query strings: they evict, never grow.
MAX_PAGES = 256
# What a 304 repeats of the page's headers (RFC 9110 15.4.5): the rest describe a body it has not.
NOT_MODIFIED_DROPS = frozenset({"content-length", "content-type"})


@dataclass(frozen=True)
class DrawnPage:
    version: str
    endpoint: str
    etag: str
    headers: list[tuple[str, str]]
    body: bytes


class DrawnPages:
    """Least recently used first out; a lock because the development server runs threads."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.pages: OrderedDict[str, DrawnPage] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str, version: str) -> DrawnPage | None:
        with self.lock:
            page = self.pages.get(key)
            if page is None or page.version != version:
                return None
            self.pages.move_to_end(key)
            return page

    def put(self, key: str, page: DrawnPage) -> None:
        with self.lock:
            self.pages[key] = page
            self.pages.move_to_end(key)
            while len(self.pages) > self.size:
                self.pages.popitem(last=False)


# What a drawn page depends on besides the content: the address asked for, and the scheme (HTTPS
# adds HSTS), read inside ProxyFix, so as the app sees them; and the language it is drawn in.
KEY_PARTS = ("wsgi.url_scheme", "SCRIPT_NAME", "PATH_INFO", "QUERY_STRING")
# Set by StoredPageAnswer for the view, and by the view for StoredPageAnswer.
KEY = "portal.page_key"
KEEP = "portal.keep_page"


def page_key(environ: dict) -> str:
    return "|".join([*(environ.get(name, "") for name in KEY_PARTS), language_from_environ(environ)])


class StoredPageAnswer:
    """WSGI layer in front of the app: answers a cookie-less GET or HEAD of a page drawn for the
    current version, and keeps a page a ``shared_page`` view has just drawn."""

    def __init__(self, app: Callable, pages: DrawnPages, versions: VersionWatch) -> None:
        self.app, self.pages, self.versions = app, pages, versions

    def stored_page(self, environ: dict, key: str) -> DrawnPage | None:
        if environ.get("REQUEST_METHOD") not in ("GET", "HEAD") or "HTTP_COOKIE" in environ:
            return None
        version = self.versions.current()
        return self.pages.get(key, version) if version else None

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        key = environ[KEY] = page_key(environ)
        page = self.stored_page(environ, key)
        if page is not None:
            return answer(page, environ, start_response)
        drawn: list = []

        def start_or_keep(status: str, headers: list[tuple[str, str]], exc_info=None):
            if environ.get(KEEP) and status.startswith("200 ") and exc_info is None and not any(
                    name.lower() == "set-cookie" for name, _ in headers):
                drawn.append(headers)
                return drawn.append
            return start_response(status, headers, exc_info)

        body = self.app(environ, start_or_keep)
        if not drawn:
            return body
        try:
            content = b"".join(body)
        finally:
            getattr(body, "close", lambda: None)()
        headers = drawn[0]
        version, endpoint = environ[KEEP]
        etag = next(value for name, value in headers if name.lower() == "etag")
        page = DrawnPage(version, endpoint, etag, headers, content)
        self.pages.put(key, page)
        return answer(page, environ, start_response)


def answer(page: DrawnPage, environ: dict, start_response: Callable) -> Iterable[bytes]:
    if parse_etags(environ.get("HTTP_IF_NONE_MATCH")).contains_raw(page.etag):
        start_response("304 Not Modified", [(name, value) for name, value in page.headers
                                            if name.lower() not in NOT_MODIFIED_DROPS])
        return []
    start_response("200 OK", page.headers)
    return [] if environ.get("REQUEST_METHOD") == "HEAD" else [page.body]


def shared_page(view: View) -> View:
    """Mark a view whose page is the same for everyone and changes only with the public content."""

    @functools.wraps(view)
    def serve(**values):
        version = current_app.extensions["portal.page_versions"].current()
        # No public view flashes a message; a page showing one would be for one visitor only.
        if version is None or KEY not in request.environ or session.get("_flashes"):
            return view(**values)
        page = current_app.extensions["portal.drawn_pages"].get(request.environ[KEY], version)
        if page is not None:
            return Response(page.body, headers=page.headers).make_conditional(request)
        response = make_response(view(**values))
        if response.status_code == 200 and request.method == "GET":
            response.set_etag(hashlib.sha256(response.get_data()).hexdigest()[:32])
            response.headers["Cache-Control"] = SHARED_CACHE_CONTROL
            request.environ[KEEP] = (version, request.endpoint)
        return response

    return serve  # type: ignore[return-value]


def register(app: Flask) -> None:
    with app.app_context():
        versions = watch_versions(app.config["PORTAL_PAGE_RECHECK_SECONDS"])
    pages = DrawnPages(MAX_PAGES)
    app.extensions["portal.page_versions"] = versions
    app.extensions["portal.drawn_pages"] = pages
    layer = functools.partial(StoredPageAnswer, pages=pages, versions=versions)
    # Inside ProxyFix when there is one, so the client address and scheme are the ones it trusts.
    if isinstance(app.wsgi_app, ProxyFix):
        app.wsgi_app.app = layer(app.wsgi_app.app)
    else:
        app.wsgi_app = layer(app.wsgi_app)
