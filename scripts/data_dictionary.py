"""make data-dictionary: migrate a scratch database, write docs/data-dictionary.md from the report views' comments,
drop the database. With --check, exit 1 when the file differs instead of writing it."""

from __future__ import annotations

import os
import sys
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "plugins")]

import psycopg  # noqa: E402
from psycopg import sql  # noqa: E402

TARGET = ROOT / "docs" / "data-dictionary.md"


def main(argv: list[str]) -> int:
    from ledgerbridge.migrate import migrate  # noqa: PLC0415
    from reconcile import dictionary  # noqa: PLC0415

    server = os.environ["LEDGERBRIDGE_DB_URL"]
    name = f"lb_dictionary_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        url = urlunsplit(urlsplit(server)._replace(path="/" + name))
        migrate(url)
        flag = "--check" if "--check" in argv else "--write"
        return dictionary.main([flag, str(TARGET), "--db-url", url])
    finally:
        with psycopg.connect(server, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
