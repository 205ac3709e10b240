"""An independent reading of the seeded books: the matching rules of issue 3 applied by brute force.

Written separately from the generator (which never imports it), so the tests check the books against the rules
rather than against the generator's own idea of them.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from decimal import Decimal
from typing import Iterable

from sandbox.seed.generate import generate
from sandbox.seed.model import SeedBooks, SeedContact, SeedInvoice

SUFFIX = {"limited": "ltd", "company": "co"}


@functools.lru_cache(maxsize=None)
def books(seed: int, size: int) -> SeedBooks:
    return generate(seed, size)


def norm_name(name: str) -> str:
    """Case, spacing, punctuation, '&'/'and' and Ltd/Limited, Co/Company do not tell two names apart."""
    text = name.lower().replace("&", " and ").replace("'", "")
    words = re.sub(r"[^a-z0-9]+", " ", text).split()
    return " ".join(SUFFIX.get(w, w) for w in words)


def norm_email(email: str | None) -> str | None:
    return email.strip().lower() if email else None


def norm_vat(vat: str | None) -> str | None:
    if not vat:
        return None
    compact = re.sub(r"[^0-9A-Z]", "", vat.upper())
    return compact[2:] if compact.startswith("GB") else compact


def norm_phone(phone: str | None) -> str | None:
    if not phone:
        return None
    digits = re.sub(r"\D", "", phone)
    return "0" + digits[2:] if digits.startswith("44") else digits


def norm_number(number: str | None) -> str | None:
    if not number:
        return None
    m = re.match(r"^[^\d]*?0*(\d+)$", number.strip())
    return m.group(1) if m else re.sub(r"[^0-9a-z]", "", number.lower())


def as_quickbooks_shows(inv: SeedInvoice) -> SeedInvoice:
    """A voided QuickBooks document keeps its lines with zero amounts (a QBO void zeroes them): only its number,
    contact and date are left to match it by."""
    if inv.status != "voided":
        return inv
    return dataclasses.replace(inv, lines=[dataclasses.replace(ln, unit_amount=Decimal("0"), tax_amount=Decimal("0"))
                                           for ln in inv.lines])


def contact_candidates(rec: SeedContact, others: Iterable[SeedContact]) -> list[SeedContact]:
    """Records on the other side that the rules would take for ``rec``: same name, e-mail or VAT number."""
    name, email, vat = norm_name(rec.name), norm_email(rec.email), norm_vat(rec.tax_number)
    out = []
    for o in others:
        if o.is_customer != rec.is_customer:
            continue
        if norm_name(o.name) == name or (email and norm_email(o.email) == email) or (
                vat and norm_vat(o.tax_number) == vat):
            out.append(o)
    return out


class InvoiceIndex:
    """``invoice_candidates`` over many documents: only those of the same kind and contact are compared."""

    def __init__(self, docs: Iterable[SeedInvoice]) -> None:
        self.by_contact: dict[tuple[str, str], list[SeedInvoice]] = {}
        for d in docs:
            self.by_contact.setdefault((d.kind, d.contact_key), []).append(d)

    def candidates(self, inv: SeedInvoice) -> list[SeedInvoice]:
        return invoice_candidates(inv, self.by_contact.get((inv.kind, inv.contact_key), []))


def invoice_candidates(inv: SeedInvoice, others: Iterable[SeedInvoice]) -> list[SeedInvoice]:
    """Same kind and contact, and either the same number (a prefix allowed) or, where a number is missing, the
    same date and an amount within a cent. Two numbers that differ rule a candidate out."""
    out = []
    for o in others:
        if o.kind != inv.kind or o.contact_key != inv.contact_key:
            continue
        a, b = norm_number(inv.number), norm_number(o.number)
        if a and b:
            if a == b:
                out.append(o)
        elif o.date == inv.date and abs(o.total - inv.total) <= Decimal("0.01"):
            out.append(o)
    return out
