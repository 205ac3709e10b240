"""Normal forms used to match records kept by hand on both sides (the SQL compares these staged columns)."""

from __future__ import annotations

import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

_SUFFIXES = {
    "limited": "ltd", "ltd": "ltd", "company": "co", "co": "co", "incorporated": "inc", "inc": "inc",
    "corporation": "corp", "corp": "corp", "plc": "plc", "llp": "llp", "llc": "llc",
}
_PUNCT = re.compile(r"[^\w\s]")
_SPACES = re.compile(r"\s+")
_NUMBER = re.compile(r"^[^\d]*?0*(\d+)$")


def clean_text(value: str | None) -> str | None:
    """Trim and collapse runs of whitespace; empty becomes None."""
    if value is None:
        return None
    text = _SPACES.sub(" ", str(value)).strip()
    return text or None


def norm_name(value: str | None) -> str | None:
    """Case, punctuation, spacing, '&'/'and' and Ltd/Limited-style suffixes do not distinguish two names."""
    text = clean_text(value)
    if text is None:
        return None
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = text.replace("&", " and ").replace("’", "").replace("'", "")
    text = _PUNCT.sub(" ", text)
    words = [_SUFFIXES.get(w, w) for w in text.split()]
    return " ".join(words) or None


def norm_email(value: str | None) -> str | None:
    text = clean_text(value)
    return text.lower() if text else None


def norm_tax_number(value: str | None) -> str | None:
    """VAT numbers: spaces and punctuation dropped, upper case, the GB country prefix optional."""
    text = clean_text(value)
    if text is None:
        return None
    compact = re.sub(r"[^0-9A-Za-z]", "", text).upper()
    if compact.startswith("GB"):
        compact = compact[2:]
    return compact or None


def norm_number(value: str | None) -> str | None:
    """Document numbers: a letter prefix and leading zeros do not distinguish them ('INV-0042' ~ '42')."""
    text = clean_text(value)
    if text is None:
        return None
    match = _NUMBER.match(text)
    if match:
        return match.group(1)
    return re.sub(r"[^0-9a-z]", "", text.lower()) or None


def money(value: object) -> Decimal | None:
    """A money amount as Decimal with 2 places; None for empty."""
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    except InvalidOperation:
        raise ValueError(f"not an amount: {value!r}") from None


def decimal(value: object) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise ValueError(f"not a number: {value!r}") from None


def rate_from_quickbooks(value: object) -> Decimal | None:
    """Rates are staged as Xero writes them (units of the currency per unit of the home currency, 6 places);
    QuickBooks' ExchangeRate is the inverse (home currency per unit of the document's currency)."""
    rate = decimal(value)
    if rate is None or rate == 0:
        return None
    return (Decimal(1) / rate).quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP)


def rate_to_quickbooks(value: object) -> str | None:
    rate = decimal(value)
    if rate is None or rate == 0:
        return None
    return str((Decimal(1) / rate).quantize(Decimal("0.0000000001"), rounding=ROUND_HALF_UP))
