"""What each ledger can hold, checked before a write is planned: never alter a value silently (issue 17).

A value longer than the receiving ledger holds is not cut: the record goes to the exception queue as
``cannot_hold`` naming the field, the limit and the value's length, and nothing is written for it (so nothing is
re-sent every night either) until the source is shortened by a person.

Sources:
- Xero: the ``maxLength`` of Xero's OpenAPI spec (``specs/xero/xero_accounting.yaml``: Contact, Invoice, Item);
  ``tests/reconcile/test_limits.py`` holds this table to the spec. Line descriptions: 4000 (Xero's API reference;
  the spec gives none).
- QuickBooks: Intuit's XSDs (``specs/quickbooks``) declare no lengths, so the limits are those of Intuit's API
  reference for each entity (DocNumber 21, PaymentRefNum 21, DisplayName 500, CompanyName 100,
  PrintOnCheckName 110, Item Name 100, Sku 100, line Description 4000, PrivateNote 4000).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from reconcile.quarantine import walk

# (ledger, resource or "*") -> {field path with list indices dropped: max length}
LIMITS: dict[tuple[str, str], dict[str, int]] = {
    ("xero", "Contacts"): {"Name": 255, "FirstName": 255, "LastName": 255, "EmailAddress": 255,
                           "AccountNumber": 50, "TaxNumber": 50, "ContactNumber": 50, "CompanyNumber": 50},
    ("xero", "Invoices"): {"InvoiceNumber": 255, "LineItems.Description": 4000},
    ("xero", "CreditNotes"): {"CreditNoteNumber": 255, "LineItems.Description": 4000},
    ("xero", "Items"): {"Code": 30, "Name": 50, "Description": 4000, "PurchaseDescription": 4000},
    ("xero", "BankTransactions"): {"LineItems.Description": 4000},
    ("quickbooks", "*"): {"DocNumber": 21, "PaymentRefNum": 21, "PrivateNote": 4000, "Line.Description": 4000},
    ("quickbooks", "Customer"): {"DisplayName": 500, "CompanyName": 100, "PrintOnCheckName": 110,
                                 "GivenName": 100, "FamilyName": 100, "PrimaryEmailAddr.Address": 100},
    ("quickbooks", "Vendor"): {"DisplayName": 500, "CompanyName": 100, "PrintOnCheckName": 110,
                               "GivenName": 100, "FamilyName": 100, "PrimaryEmailAddr.Address": 100},
    ("quickbooks", "Item"): {"Name": 100, "Sku": 100, "Description": 4000},
}
# characters a ledger refuses in a field: QuickBooks names cannot contain a colon (it separates a sub-customer or
# sub-item from its parent in FullyQualifiedName)
FORBIDDEN: dict[tuple[str, str], dict[str, str]] = {
    ("quickbooks", "Customer"): {"DisplayName": ":"},
    ("quickbooks", "Vendor"): {"DisplayName": ":"},
    ("quickbooks", "Item"): {"Name": ":"},
}
_INDEX = re.compile(r"\[\d+\]")


@dataclass(frozen=True)
class TooLong:
    path: str  # "Line[2].Description"
    limit: int
    length: int
    character: str | None = None  # set when the value holds a character the ledger refuses there

    def describe(self, ledger: str) -> str:
        name = "QuickBooks" if ledger == "quickbooks" else "Xero"
        if self.character is not None:
            return f"{self.path} contains {self.character!r}, which {name} does not allow there"
        return f"{self.path} is {self.length} characters; {name} holds at most {self.limit}"


def limits_for(ledger: str, resource: str) -> dict[str, int]:
    return {**LIMITS.get((ledger, "*"), {}), **LIMITS.get((ledger, resource), {})}


def too_long(ledger: str, resource: str, payload: dict[str, Any]) -> list[TooLong]:
    """Every string of ``payload`` longer than ``ledger`` holds in that field of ``resource``, or holding a
    character it refuses there."""
    table = limits_for(ledger, resource)
    forbidden = FORBIDDEN.get((ledger, resource), {})
    found = []
    for path, value in walk(payload, skip_private=True):
        if isinstance(value, str):
            name = _INDEX.sub("", path)
            limit = table.get(name)
            if limit is not None and len(value) > limit:
                found.append(TooLong(path, limit, len(value)))
            for character in forbidden.get(name, ""):
                if character in value:
                    found.append(TooLong(path, limit or 0, len(value), character))
    return found
