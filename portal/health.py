"""``/healthz`` in both zones: JSON that a load balancer or monitor can read."""

from __future__ import annotations

from flask import Blueprint, Flask, current_app
from flask_limiter import Limiter

from portal.services.health import database_status

bp = Blueprint("health", __name__)


def rate_limit_storage_status() -> dict[str, bool]:
    limiter = current_app.extensions["portal.limiter"]
    if not limiter.enabled:
        return {"enabled": False, "ok": True}
    try:
        return {"enabled": True, "ok": bool(limiter.storage.check())}
    except Exception:  # noqa: BLE001 - any storage failure means "down" to a monitor
        return {"enabled": True, "ok": False}


@bp.get("/healthz")
def healthz():
    database = database_status(current_app.extensions.get("portal.sqlite"))
    limits = rate_limit_storage_status()
    healthy = database["ok"] and limits["ok"]
    body = {
        "status": "ok" if healthy else "unavailable",
        "zone": current_app.config["PORTAL_ZONE"],
        "database": database,
        "rate_limit_storage": limits,
    }
    return body, 200 if healthy else 503


def register(app: Flask, limiter: Limiter) -> None:
    app.register_blueprint(bp)
    # Exempt, so that it can still report a rate-limit store that is down.
    limiter.exempt(healthz)
