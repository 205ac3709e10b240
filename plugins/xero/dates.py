"""Xero's .NET JSON dates: ``/Date(1541176290160+0000)/``.

The number is the instant in milliseconds since the epoch (it may be negative, and the offset is optional); the
offset only says which zone the value was displayed in, so it is NOT added again (the double-shift some
connectors make, fact sheet §8.5).
"""

from __future__ import annotations

import datetime as dt
import re
from email.utils import format_datetime

MS_DATE = re.compile(r"^/Date\((-?\d+)([+-]\d{2,4})?\)/$")


def parse_ms_date(value: str | None) -> dt.datetime | None:
    if value in (None, ""):
        return None
    match = MS_DATE.match(value)
    if not match:
        raise ValueError(f"not a Xero /Date(...)/ value: {value!r}")
    return dt.datetime.fromtimestamp(int(match.group(1)) / 1000, tz=dt.timezone.utc)


def format_ms_date(value: dt.datetime) -> str:
    return f"/Date({int(value.timestamp() * 1000)}+0000)/"


def http_date(value: dt.datetime) -> str:
    """If-Modified-Since as an RFC 1123 date, which names its zone (GMT) so it cannot be misread (§2.3)."""
    return format_datetime(value.astimezone(dt.timezone.utc).replace(microsecond=0), usegmt=True)
