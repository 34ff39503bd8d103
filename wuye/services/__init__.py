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
    """The request itself breaks a rule (a missing reason, a negative quantity): 422."""

    status = 422


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
