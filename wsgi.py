"""WSGI entry point: ``PORTAL_ZONE=public`` or ``staff`` serves one zone; unset serves both.

Both in one process is for a newcomer's machine: the public site at ``/`` and the back office at
``/staff``, still two apps with their own configuration, secret key and cookie. In production run
each zone in its own process and put the staff one on an internal host.
"""

import os

from werkzeug.middleware.dispatcher import DispatcherMiddleware

from portal import create_app


def build_application(zone: str | None):
    if zone:
        return create_app(zone)
    public_app = create_app("public")
    public_app.wsgi_app = DispatcherMiddleware(public_app.wsgi_app, {"/staff": create_app("staff")})
    return public_app


application = build_application(os.environ.get("PORTAL_ZONE") or None)
