"""Domain errors. The HTTP layers map them in one place: ``code`` for machines, ``message`` for people."""


class CaseworkError(Exception):
    status = 400

    def __init__(self, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.code, self.message, self.field = code, message, field


class InvalidInput(CaseworkError):
    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__("invalid", message, field)


class TooLong(InvalidInput):
    """A text over its limit (``casework/limits.py``): refused with the field and the limit, never cut short."""

    status = 422

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message, field)
        self.code = "too_long"


class NotFound(CaseworkError):
    """Also what a person gets for a case they may not see: no hint that it exists."""

    status = 404

    def __init__(self, message: str = "没有找到该案件") -> None:
        super().__init__("not_found", message)


class Forbidden(CaseworkError):
    status = 403

    def __init__(self, message: str) -> None:
        super().__init__("forbidden", message)


class Conflict(CaseworkError):
    status = 409

    def __init__(self, message: str, code: str = "wrong_state") -> None:
        super().__init__(code, message)


class Throttled(CaseworkError):
    """Too many tries (casework/security/throttle.py): the same answer whatever was tried."""

    status = 429

    def __init__(self, message: str = "尝试次数过多，请稍后再试") -> None:
        super().__init__("throttled", message)
