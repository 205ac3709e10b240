"""The entities ledgerbridge aligns, in the order they run (an entity's references are aligned before it)."""

from __future__ import annotations

from reconcile.entities import contacts, invoices
from reconcile.entities.base import EntitySpec

ENTITIES: dict[str, EntitySpec] = {spec.name: spec for spec in (contacts.SPEC, invoices.SPEC)}


def get(name: str) -> EntitySpec:
    try:
        return ENTITIES[name]
    except KeyError:
        raise KeyError(f"unknown entity {name!r}; known: {', '.join(ENTITIES)}") from None
