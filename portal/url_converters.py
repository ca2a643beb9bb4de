"""URL parts accepted by routes: anything else is a 404 before a database is ever asked."""

from flask import Flask
from werkzeug.routing import BaseConverter


class SlugConverter(BaseConverter):
    """Lower-case words joined by hyphens, as slugs are stored (no NUL, no odd Unicode)."""

    regex = r"[a-z0-9]+(?:-[a-z0-9]+){0,15}"


class VersionConverter(BaseConverter):
    """A terms version label such as ``1.1`` or ``2025-06``."""

    regex = r"[0-9A-Za-z][0-9A-Za-z.\-]{0,19}"


def register(app: Flask) -> None:
    app.url_map.converters["slug"] = SlugConverter
    app.url_map.converters["version"] = VersionConverter
