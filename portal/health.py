"""``/healthz`` in both zones: JSON that a load balancer or monitor can read."""

from __future__ import annotations

from flask import Blueprint, current_app

from portal.extensions import limiter
from portal.services.health import database_status

bp = Blueprint("health", __name__)


def rate_limit_storage_ok() -> bool:
    try:
        return bool(limiter.storage.check())
    except Exception:  # noqa: BLE001 - any storage failure means "down" to a monitor
        return False


# Exempt from rate limits so that it can still report a rate-limit store that is down.
@bp.get("/healthz")
@limiter.exempt
def healthz():
    database = database_status(current_app.extensions.get("portal.sqlite"))
    limits_ok = rate_limit_storage_ok()
    healthy = database["ok"] and limits_ok
    body = {
        "status": "ok" if healthy else "unavailable",
        "zone": current_app.config["PORTAL_ZONE"],
        "database": database,
        "rate_limit_storage": {"ok": limits_ok},
    }
    return body, 200 if healthy else 503
