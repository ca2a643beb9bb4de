"""Trust zone 1, the resident site. Registered only by ``create_app("public")``."""

from flask import Flask

from portal.public import pages, prevention


def register(app: Flask) -> None:
    app.register_blueprint(pages.bp)
    app.register_blueprint(prevention.bp)
