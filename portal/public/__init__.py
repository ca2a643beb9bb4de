"""Trust zone 1, the resident site. Registered only by ``create_app("public")``."""

from flask import Flask
from flask_limiter import Limiter

from portal.public import pages, prevention


def register(app: Flask, limiter: Limiter) -> None:
    """Pages use the app's default limits; forms will add their own here."""
    app.register_blueprint(pages.bp)
    app.register_blueprint(prevention.bp)
