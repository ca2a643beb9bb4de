"""Logging to stdout, configured once per process, that never carries a client's address."""

from __future__ import annotations

import logging
import re
import sys

from flask import Flask

# Werkzeug's development server writes one line per request that starts with the client
# address ("203.0.113.7 - - [date] ..."); gunicorn's access log is off, see gunicorn.conf.py.
REQUEST_LINE = re.compile(r"^\S+ - - \[")


def drop_request_lines(record: logging.LogRecord) -> bool:
    return not (record.name == "werkzeug" and REQUEST_LINE.match(record.getMessage()))


def configure(app: Flask) -> None:
    """Install the stdout handler and the request-line filter; calling it again changes nothing."""
    root = logging.getLogger()
    if not any(getattr(handler, "portal_handler", False) for handler in root.handlers):
        handler = logging.StreamHandler(sys.stdout)
        handler.portal_handler = True  # type: ignore[attr-defined]
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.addHandler(handler)
        root.setLevel(app.config["PORTAL_LOG_LEVEL"])
    # Its breach lines name the limit's key, which for some limits is a tip number or an e-mail.
    logging.getLogger("flask-limiter").setLevel(logging.WARNING)
    werkzeug_logger = logging.getLogger("werkzeug")
    if drop_request_lines not in werkzeug_logger.filters:
        werkzeug_logger.addFilter(drop_request_lines)
