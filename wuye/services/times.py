"""When something happened, as a phone or a person tells it: a step done offline carries the phone's
time, a complaint step the time the employee gives. One rule for both: never in the future beyond
the skew a phone's clock may have, never before the thing it belongs to began."""
from __future__ import annotations

from datetime import datetime, timedelta

from . import InvalidInput

MAX_CLOCK_SKEW = timedelta(minutes=2)


def happened(at: datetime | None, now: datetime, *, not_before: datetime | None, future: str,
             too_early: str) -> datetime:
    """`at` checked against `now` and `not_before` (messages already in the user's language); None is now."""
    if at is None:
        return now
    if at > now + MAX_CLOCK_SKEW:
        raise InvalidInput(future)
    if not_before is not None and at < not_before - MAX_CLOCK_SKEW:
        raise InvalidInput(too_early)
    return min(at, now)
