"""The entities ledgerbridge aligns, and the stages they run in: an entity's references (items, contacts) are
aligned in an earlier stage than the entity itself."""

from __future__ import annotations

from reconcile.entities import bills, contacts, credit_notes, invoices
from reconcile.entities.base import EntitySpec

ENTITIES: dict[str, EntitySpec] = {spec.name: spec for spec in (
    contacts.SPEC, contacts.SUPPLIERS,
    invoices.SPEC, bills.SPEC, credit_notes.SPEC, credit_notes.VENDOR_CREDITS,
)}

# each stage runs after every entity of the stage before it
STAGES: list[tuple[str, ...]] = [
    ("contacts", "suppliers"),
    ("invoices", "bills", "credit_notes", "vendor_credits"),
]


def get(name: str) -> EntitySpec:
    try:
        return ENTITIES[name]
    except KeyError:
        raise KeyError(f"unknown entity {name!r}; known: {', '.join(ENTITIES)}") from None


def stage_of(name: str) -> int:
    return next(i for i, stage in enumerate(STAGES) if name in stage)
