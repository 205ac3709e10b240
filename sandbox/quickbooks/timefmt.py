"""QuickBooks times: ``MetaData`` in US Pacific offset whatever the company's country (fact sheet §2.1, §8.11),
and the literals the query language and ``cdc`` accept (offset datetimes, ``Z``, or plain dates)."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

PACIFIC = ZoneInfo("America/Los_Angeles")

_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def pacific(epoch: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(epoch, tz=PACIFIC)


def meta_time(epoch: float) -> str:
    """``2015-07-24T10:33:39-07:00``: whole seconds, Pacific offset (-07:00 in summer, -08:00 in winter)."""
    return pacific(int(epoch)).isoformat(timespec="seconds")


def envelope_time(epoch: float) -> str:
    """The ``time`` of a response envelope: milliseconds, Pacific offset."""
    return pacific(epoch).isoformat(timespec="milliseconds")


def webhook_time(epoch: float) -> str:
    """``2015-10-05T14:42:19-0700`` as in Intuit's legacy webhook sample."""
    return pacific(int(epoch)).strftime("%Y-%m-%dT%H:%M:%S%z")


def parse_instant(text: str) -> dt.datetime | None:
    """An aware datetime from a query / cdc literal; a date or an offset-less time is read in Pacific time
    (the zone the API itself speaks). None when it is not a date or datetime."""
    text = text.strip()
    if _DATE.match(text):
        day = dt.date.fromisoformat(text)
        return dt.datetime(day.year, day.month, day.day, tzinfo=PACIFIC)
    if not _DATETIME.match(text):
        return None
    norm = text.replace(" ", "T")
    if norm.endswith("Z"):
        norm = norm[:-1] + "+00:00"
    elif re.search(r"[+-]\d{4}$", norm):
        norm = norm[:-2] + ":" + norm[-2:]
    try:
        value = dt.datetime.fromisoformat(norm)
    except ValueError:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=PACIFIC)
    return value


def parse_date(text: str) -> dt.date | None:
    text = text.strip()
    if _DATE.match(text):
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            return None
    instant = parse_instant(text)
    return instant.date() if instant else None
