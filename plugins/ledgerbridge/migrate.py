"""Versioned schema migrations: ``include/sql/migrations/NNNN_name.sql``, applied in order, each once.

``python -m ledgerbridge.migrate`` applies what is missing; every pipeline run calls :func:`migrate` first. A
transaction-level advisory lock serialises concurrent callers, and a migration whose file changed after it was
applied is refused (a checksum mismatch), since the database would no longer match the files.
"""

from __future__ import annotations

import hashlib
import logging
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from ledgerbridge import db

log = logging.getLogger(__name__)

_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")
_LOCK_KEY = 0x1EDB_0001  # arbitrary, constant: pg_advisory_xact_lock key for migrations


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    path: Path

    @property
    def text(self) -> str:
        return self.path.read_text(encoding="utf-8")

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.text.encode()).hexdigest()


class MigrationError(RuntimeError):
    pass


def available() -> list[Migration]:
    found = []
    for path in sorted((db.sql_dir() / "migrations").glob("*.sql")):
        match = _NAME.match(path.name)
        if not match:
            raise MigrationError(f"migration file {path} is not named NNNN_name.sql")
        found.append(Migration(int(match.group(1)), match.group(2), path))
    versions = [m.version for m in found]
    if len(set(versions)) != len(versions):
        raise MigrationError(f"two migrations share a version in {db.sql_dir() / 'migrations'}")
    return found


def migrate(url: str | None = None) -> list[int]:
    """Apply every migration not yet applied; returns the versions applied now."""
    applied_now: list[int] = []
    with db.connect(url) as conn:
        with conn.transaction():
            conn.execute(db.sql("migrations_lock"), {"key": _LOCK_KEY})
            conn.execute(db.sql("migrations_table"))
            done = {r["version"]: r["checksum"] for r in conn.execute(db.sql("migrations_applied"))}
            for migration in available():
                if migration.version in done:
                    if done[migration.version] != migration.checksum:
                        raise MigrationError(
                            f"migration {migration.path.name} changed after it was applied; add a new migration "
                            "instead of editing an applied one"
                        )
                    continue
                log.info("applying migration %s", migration.path.name)
                conn.execute(migration.text)
                conn.execute(db.sql("migrations_record"),
                             {"version": migration.version, "name": migration.name, "checksum": migration.checksum})
                applied_now.append(migration.version)
            if applied_now:
                # the report and pipeline roles' privileges follow every new table (include/sql/migrations/0021)
                conn.execute(db.sql("roles/grant"))
    return applied_now


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    applied = migrate()
    print(f"migrations applied: {applied or 'none (up to date)'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
