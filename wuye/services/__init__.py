"""The procedure as functions over the session. Views, the CLI and (later) the watcher and the
offline sync all call these; each state change commits once, together with its audit event."""
from __future__ import annotations

from dataclasses import dataclass

from ..models import User


class DomainError(Exception):
    """A rule of the procedure refused the change; `message` is already in the user's language."""

    status = 409

    def __init__(self, message: str):
        super().__init__(str(message))
        self.message = str(message)


class InvalidInput(DomainError):
    """The request itself breaks a rule (a missing reason, a negative quantity): 422.

    `problems` names the inputs at fault (the service's own argument names) with their messages,
    so a form can show each at its field; `message` is the first of them."""

    status = 422

    def __init__(self, message: str, problems: dict[str, str] | None = None):
        super().__init__(message)
        self.problems = dict(problems or {})


class Problems:
    """Collects every fault of one request before refusing it, so the user fixes them all at once."""

    def __init__(self):
        self.found: dict[str, str] = {}

    def add(self, name: str, message: str) -> None:
        self.found.setdefault(name, str(message))

    def check(self, name: str, call, *args, **kw):
        """The value of `call`, or None with its InvalidInput noted under `name`."""
        try:
            return call(*args, **kw)
        except InvalidInput as e:
            self.add(name, e.message)
            return None

    def raise_any(self) -> None:
        if self.found:
            raise InvalidInput(next(iter(self.found.values())), self.found)


class NotAllowed(DomainError):
    status = 403


@dataclass(frozen=True)
class Actor:
    """Who does something, and from where (client address, "cli" or "system").

    Without a user account the actor is named by `kind` (a resident on their link) or else by the
    address itself (the CLI, the watcher)."""

    user: User | None
    address: str
    kind: str | None = None

    @classmethod
    def resident(cls, address: str) -> Actor:
        return cls(None, address, "resident")

    @property
    def label(self) -> str:
        if self.user is None:
            return self.kind or self.address
        return f"{self.user.name} ({self.user.username})"

    @property
    def role(self) -> str | None:
        return self.user.role if self.user else None
