"""The one source of "now" — tests and the demo seeder replace it."""
from __future__ import annotations

from datetime import UTC, datetime
from typing import Callable

from flask import current_app, has_app_context


def _system() -> datetime:
    return datetime.now(UTC)


def now() -> datetime:
    """Aware UTC time; an app may carry its own clock in `extensions['wuye.clock']`."""
    if has_app_context():
        clock: Callable[[], datetime] | None = current_app.extensions.get("wuye.clock")
        if clock is not None:
            return clock()
    return _system()


class Travel:
    """Set the app's clock by hand (the demo seeder replays two weeks of work through the services)."""

    def __init__(self, moment: datetime):
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment

    def __enter__(self) -> "Travel":
        self._saved = current_app.extensions.get("wuye.clock")
        current_app.extensions["wuye.clock"] = self
        return self

    def __exit__(self, *exc) -> None:
        if self._saved is None:
            current_app.extensions.pop("wuye.clock", None)
        else:
            current_app.extensions["wuye.clock"] = self._saved
