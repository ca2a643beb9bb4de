"""Domain errors raised by services. No Flask here: ``errors.py`` maps them to responses."""


class PortalError(Exception):
    """Base class of the errors a service raises on purpose."""


class NotFound(PortalError):
    """The thing asked for does not exist, or the caller may not know that it does."""


class PermissionDenied(PortalError):
    """The caller is known but may not do this."""


class InvalidInput(PortalError):
    """Input that passed the form's shape checks but breaks a rule a service enforces."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field
