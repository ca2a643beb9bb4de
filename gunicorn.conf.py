"""gunicorn settings used by ``make run`` and by production (override with flags or GUNICORN_CMD_ARGS)."""

import os

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '5000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
# No access log: each line would carry a client address and user agent, which the public zone
# must never record. Errors still go to stderr, without client details.
accesslog = None
errorlog = "-"
loglevel = "info"
# Behind a reverse proxy set FORWARDED_ALLOW_IPS and PORTAL_PROXY_COUNT to match it.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# A records clerk's crime-data upload is read and imported within its request (a big city's year
# takes a minute or so); the default 30 s would kill the worker mid-import. Larger files go
# through `flask incidents import` instead.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
# gunicorn's control socket defaults to one path per user (~/.gunicorn/gunicorn.ctl), which the
# public and the staff zone's servers would both claim; nothing here uses it.
control_socket_disable = True
