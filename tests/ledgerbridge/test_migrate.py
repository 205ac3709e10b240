from __future__ import annotations

import shutil
import threading
from pathlib import Path

import psycopg
import pytest

from ledgerbridge import db
from ledgerbridge.migrate import MigrationError, available, migrate


def test_fresh_database_gets_every_migration_once(fresh_db):
    url = fresh_db(migrated=False)
    applied = migrate(url)
    assert applied == [m.version for m in available()]
    assert migrate(url) == []  # second run: nothing to do
    with psycopg.connect(url) as conn:
        versions = [r[0] for r in conn.execute("SELECT version FROM ledgerbridge.schema_migrations ORDER BY 1")]
        assert versions == applied
        assert conn.execute("SELECT to_regclass('ledgerbridge.oauth_tokens')").fetchone()[0] is not None


def test_concurrent_runs_apply_each_migration_once(fresh_db):
    url = fresh_db(migrated=False)
    results: list[list[int]] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            results.append(migrate(url))
        except BaseException as exc:  # noqa: BLE001 - collected for the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    applied = sorted(v for r in results for v in r)
    assert applied == [m.version for m in available()]


def test_edited_migration_is_refused(fresh_db, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    url = fresh_db(migrated=False)
    copy = tmp_path / "sql"
    shutil.copytree(db.sql_dir(), copy)
    monkeypatch.setenv("LEDGERBRIDGE_SQL_DIR", str(copy))
    db.sql.cache_clear()
    migrate(url)
    first = sorted((copy / "migrations").glob("*.sql"))[0]
    first.write_text(first.read_text() + "\n-- edited\n")
    with pytest.raises(MigrationError, match="changed after it was applied"):
        migrate(url)
    db.sql.cache_clear()
