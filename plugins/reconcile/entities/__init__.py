"""The entities ledgerbridge aligns, and the stages they run in: an entity's references (items, contacts,
documents) are aligned in an earlier stage than the entity itself."""

from __future__ import annotations

from reconcile.entities import banking, bills, contacts, credit_notes, invoices, items, payments
from reconcile.entities.base import EntitySpec

ENTITIES: dict[str, EntitySpec] = {spec.name: spec for spec in (
    items.SPEC,
    contacts.SPEC, contacts.SUPPLIERS,
    invoices.SPEC, bills.SPEC, credit_notes.SPEC, credit_notes.VENDOR_CREDITS,
    payments.SPEC, payments.BILL_PAYMENTS,
    banking.SPEC, banking.JOURNALS,
)}

# each stage runs after every entity of the stage before it
STAGES: list[tuple[str, ...]] = [
    ("items",),
    ("contacts", "suppliers"),
    ("invoices", "bills", "credit_notes", "vendor_credits"),
    ("payments", "bill_payments"),
    ("bank_transactions", "journals"),
]


def get(name: str) -> EntitySpec:
    try:
        return ENTITIES[name]
    except KeyError:
        raise KeyError(f"unknown entity {name!r}; known: {', '.join(ENTITIES)}") from None


def stage_of(name: str) -> int:
    return next(i for i, stage in enumerate(STAGES) if name in stage)
