"""Trust zone 1, the resident site. Registered only by ``create_app("public")``."""

from flask import Flask
from flask_limiter import Limiter

from portal.public import api, crime_map, notices, page_cache, pages, prevention, reports, sms, tips
from portal.services.notices import TYPE_NAMES, active_emergencies


def alert_context() -> dict[str, object]:
    """The banner of active emergency notices; looked up only when a page is drawn."""
    return {"emergency_notices": active_emergencies, "notice_type_names": TYPE_NAMES}


def register(app: Flask, limiter: Limiter) -> None:
    app.context_processor(alert_context)
    app.register_blueprint(pages.bp)
    app.register_blueprint(notices.bp)
    app.register_blueprint(prevention.bp)
    app.register_blueprint(tips.bp)
    app.register_blueprint(reports.bp)
    app.register_blueprint(crime_map.bp)
    app.register_blueprint(api.bp)
    tips.limit_tip_requests(app, limiter)
    reports.limit_report_requests(app, limiter)
    api.limit_api_requests(app, limiter)
    sms.register(app, limiter)
    page_cache.register(app)
