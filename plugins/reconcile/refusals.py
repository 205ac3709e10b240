"""Refusals: a ledger's validation refusal holds that record at that version (issue 17).

``ledgerbridge.refusals`` is keyed by (pair, entity, refusing ledger, source record) and keeps the source version
refused. The planner plans nothing for a record whose staged version is still the refused one; a new version is
planned again (and a write that goes through deletes the refusal). A person's "retry" (issue 8) lifts the block
with :func:`clear` (``include/sql/refusals/clear.sql``): the next run plans the record once more.
"""

from __future__ import annotations

from typing import Any

from ledgerbridge import db


def clear(conn: Any, pair: str, entity: str, record_id: str, ledger: str | None = None) -> list[dict[str, Any]]:
    """Lift the refusal block on ``record_id`` (the source record) for ``ledger`` (the ledger that refused; None:
    both); returns the refusals lifted. The caller commits."""
    return conn.execute(db.sql("refusals/clear"), {"pair": pair, "entity": entity, "record_id": record_id,
                                                   "ledger": ledger}).fetchall()
