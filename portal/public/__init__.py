"""Trust zone 1, the resident site. Registered only by ``create_app("public")``."""

from flask import Flask
from flask_limiter import Limiter

from portal.public import pages, prevention, reports, tips


def register(app: Flask, limiter: Limiter) -> None:
    app.register_blueprint(pages.bp)
    app.register_blueprint(prevention.bp)
    app.register_blueprint(tips.bp)
    app.register_blueprint(reports.bp)
    tips.limit_tip_requests(app, limiter)
    reports.limit_report_requests(app, limiter)
