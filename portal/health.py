"""``/healthz`` in both zones: JSON that a load balancer or monitor can read."""

from __future__ import annotations

from flask import Blueprint, Flask, current_app
from flask_limiter import Limiter

from portal.services.health import database_status

bp = Blueprint("health", __name__)


def rate_limit_storage_status() -> dict[str, object]:
    limiter = current_app.extensions["portal.limiter"]
    if not limiter.enabled:
        return {"enabled": False, "ok": True}
    try:
        ok = bool(limiter.storage.check())
    except Exception:  # noqa: BLE001 - any storage failure means "down" to a monitor
        ok = False
    return {"enabled": True, "ok": ok} if ok else {"enabled": True, "ok": False, "fallback": "in-memory per worker"}


@bp.get("/healthz")
def healthz():
    """503 only when nothing can be received: without Redis the site still takes tips, limited per
    worker, so a load balancer must keep sending traffic while a monitor sees "degraded"."""
    database = database_status(current_app.extensions.get("portal.sqlite"))
    limits = rate_limit_storage_status()
    if not database["ok"]:
        status = "unavailable"
    else:
        status = "ok" if limits["ok"] else "degraded"
    body = {
        "status": status,
        "zone": current_app.config["PORTAL_ZONE"],
        "database": database,
        "rate_limit_storage": limits,
    }
    return body, 503 if status == "unavailable" else 200


def register(app: Flask, limiter: Limiter) -> None:
    app.register_blueprint(bp)
    # Exempt, so that it can still report a rate-limit store that is down.
    limiter.exempt(healthz)
