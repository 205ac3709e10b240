"""Xero's wire formats: .NET JSON dates, decimals as JSON numbers, the response envelope and the error bodies.

Fact sheet §0 (envelope, ``/Date(ms+0000)/``), §3 (ValidationException, 401/403 problem details, plain-text 404).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from email.utils import parsedate_to_datetime
from typing import Any

from starlette.responses import Response

JSON_TYPE = "application/json; charset=utf-8"
NOT_FOUND_TEXT = "The resource you're looking for cannot be found"
ZERO_GUID = "00000000-0000-0000-0000-000000000000"
MS_DATE = re.compile(r"^/Date\((-?\d+)([+-]\d{2,4})?\)/$")
UTC = dt.timezone.utc

CENT = Decimal("0.01")
FOUR = Decimal("0.0001")
SIX = Decimal("0.000001")

# --- decimals ---------------------------------------------------------------------------------------------------
_DEC_MARK = "\u0001dec:"
_DEC_RE = re.compile(r'"\\u0001dec:(-?[0-9.]+)"')


def q(value: Decimal, places: Decimal = CENT) -> Decimal:
    return value.quantize(places, rounding=ROUND_HALF_UP)


def to_decimal(value: Any) -> Decimal | None:
    """A number from a request (JSON number or numeric string); None when absent, ValueError when not a number."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    try:
        result = Decimal(str(value))
    except InvalidOperation as exc:
        raise ValueError(value) from exc
    if not result.is_finite():
        raise ValueError(value)
    return result


def _default(obj: Any) -> Any:
    if isinstance(obj, Decimal):
        # a marker the text pass below turns into a bare JSON number, keeping the exact digits (2 dp stays 2 dp)
        return _DEC_MARK + format(obj, "f")
    if isinstance(obj, (dt.datetime, dt.date)):
        return obj.isoformat()
    raise TypeError(f"cannot encode {type(obj).__name__}")


def dumps(obj: Any) -> bytes:
    text = json.dumps(obj, default=_default, ensure_ascii=False, separators=(",", ":"))
    return _DEC_RE.sub(r"\1", text).encode("utf-8")


def is_guid(value: Any) -> bool:
    try:
        uuid.UUID(str(value))
        return True
    except ValueError:
        return False


# --- dates --------------------------------------------------------------------------------------------------------
def utc_now_ms(now: dt.datetime) -> dt.datetime:
    """Timestamps are kept to the millisecond, as /Date(ms)/ shows them, so what is stored is what is served."""
    return now.astimezone(UTC).replace(microsecond=now.microsecond // 1000 * 1000)


def _epoch_ms(value: dt.datetime | dt.date) -> int:
    if not isinstance(value, dt.datetime):
        value = dt.datetime(value.year, value.month, value.day, tzinfo=UTC)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    delta = value - dt.datetime(1970, 1, 1, tzinfo=UTC)
    return (delta.days * 86_400 + delta.seconds) * 1000 + delta.microseconds // 1000


def ms_date(value: dt.datetime | dt.date | None, offset: bool = True) -> str | None:
    """``/Date(1541176290160+0000)/`` (records) or ``/Date(1552326816230)/`` (the envelope's DateTimeUTC)."""
    if value is None:
        return None
    return f"/Date({_epoch_ms(value)}{'+0000' if offset else ''})/"


def date_string(value: dt.date | None) -> str | None:
    """The ``DateString`` companion: ``2018-10-20T00:00:00``."""
    return None if value is None else f"{value.isoformat()}T00:00:00"


def utc_string(value: dt.datetime | None) -> str | None:
    """``UpdatedDateUTCString``: ``2018-11-02T16:31:30Z``."""
    return None if value is None else value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def history_string(value: dt.datetime) -> str:
    """``DateUTCString`` of history records: ``2019-02-23T05:23:20`` (no zone)."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")


def parse_request_date(value: Any) -> dt.date:
    """A date sent in a request: ``2019-03-11``, an ISO date-time, or a ``/Date(ms)/`` value."""
    if isinstance(value, str):
        text = value.strip()
        match = MS_DATE.match(text)
        if match:
            return dt.datetime.fromtimestamp(int(match.group(1)) / 1000, tz=UTC).date()
        try:
            if len(text) == 10:
                return dt.date.fromisoformat(text)
            parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
            return parsed.date()
        except ValueError:
            pass
    raise ValueError(value)


def parse_modified_since(value: str | None) -> dt.datetime | None:
    """If-Modified-Since as clients send it (fact sheet §2.3): ISO with or without offset (no offset = UTC),
    RFC 1123, or a /Date()/ value. An unreadable value is ignored, as HTTP says of a bad If-Modified-Since."""
    if not value:
        return None
    text = value.strip()
    match = MS_DATE.match(text)
    if match:
        return dt.datetime.fromtimestamp(int(match.group(1)) / 1000, tz=UTC)
    try:
        parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        try:
            parsed = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


# --- envelope and errors ------------------------------------------------------------------------------------------
def envelope(key: str, items: list[dict[str, Any]], now: dt.datetime, provider: str, *,
             pagination: dict[str, int] | None = None, warnings: list[str] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"Id": str(uuid.uuid4()), "Status": "OK", "ProviderName": provider,
                            "DateTimeUTC": ms_date(now, offset=False)}
    if pagination is not None:
        body["pagination"] = pagination
    if warnings:
        body["Warnings"] = [{"Message": w} for w in warnings]
    body[key] = items
    return body


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(dumps(body), status_code=status, media_type=JSON_TYPE, headers=headers)


def validation_exception(elements: list[dict[str, Any]], message: str = "A validation exception occurred",
                         status: int = 400) -> Response:
    """The ``Error`` schema: ErrorNumber 10, Type ValidationException, the failing elements with their errors."""
    return json_response({"ErrorNumber": 10, "Type": "ValidationException", "Message": message,
                          "Elements": elements}, status)


def api_exception(error_number: int, kind: str, message: str, status: int = 400) -> Response:
    """Errors that concern the request rather than an element (a bad ``where``, unreadable JSON)."""
    return json_response({"ErrorNumber": error_number, "Type": kind, "Message": message}, status)


def problem(status: int, title: str, detail: str) -> Response:
    """401/403 from Xero's gateway: problem details with PascalCase keys (fact sheet §3)."""
    return json_response({"Type": None, "Title": title, "Status": status, "Detail": detail,
                          "Instance": str(uuid.uuid4()), "Extensions": {}}, status)


def not_found() -> Response:
    """404 is plain text, not JSON (Xero-OpenAPI#163, wontfix)."""
    return Response(NOT_FOUND_TEXT, status_code=404, media_type="text/plain; charset=utf-8")
