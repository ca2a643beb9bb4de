"""Domain errors raised by services. No Flask here: ``errors.py`` maps them to responses."""


class PortalError(Exception):
    """Base class of the errors a service raises on purpose."""


class NotFound(PortalError):
    """The thing asked for does not exist, or the caller may not know that it does."""


class PermissionDenied(PortalError):
    """The caller is known but may not do this."""


class InvalidInput(PortalError):
    """Input that passed the form's shape checks but breaks a rule a service enforces.

    ``message`` is English with ``%(name)s`` for ``values``, and is also the catalog's key: the
    view that shows it to a resident words it in their language (``public/form_support.py``).
    """

    def __init__(self, message: str, field: str | None = None, **values: object) -> None:
        super().__init__(message % values if values else message)
        self.message, self.field, self.values = message, field, values
