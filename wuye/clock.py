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
