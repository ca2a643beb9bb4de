"""Role checks on top of the default-deny sign-in check."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import abort, g

from portal.models import StaffRole


def role_required(*roles: StaffRole) -> Callable:
    """Anyone else gets a 404, so the page does not even admit that it exists."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def guarded(*args, **kwargs):
            if g.staff is None or g.staff.role not in roles:
                abort(404)
            return view(*args, **kwargs)

        return guarded

    return decorate
