"""Errors that domain services raise and every edge (page, API, CLI) turns into a clear answer."""


class ValidationError(Exception):
    """Bad input: nothing was written. `fields` maps a field name to what to fix."""

    def __init__(self, fields: dict[str, str] | str):
        self.fields = fields if isinstance(fields, dict) else {"_": fields}
        super().__init__("; ".join(f"{k}: {v}" for k, v in self.fields.items()))


class ConflictError(Exception):
    """The change clashes with existing data (a booked room, a busy chair). `conflicts` names what it clashes with."""

    def __init__(self, message: str, conflicts: list | None = None):
        self.message = message
        self.conflicts = conflicts or []
        super().__init__(message)
