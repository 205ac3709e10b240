"""One OAuth token store for both ledgers, in our Postgres (an Airflow 3 task cannot write a Connection).

Per Airflow connection it keeps the access token, its expiry and the refresh token. A refresh runs while holding
the connection's row lock, and the rotated refresh token is committed in that same transaction, so:

- two tasks refreshing at once never spend the same refresh token: the second waits on the lock and then finds
  the access token the first one obtained;
- the newest refresh token is never lost once the ledger has answered (Xero additionally honours the previous
  token for 30 minutes, which covers a crash between its answer and our commit).

The Airflow connection holds the refresh token an operator obtained by consenting. It seeds the row; when the
operator re-authorises and puts a new token in the connection, its changed fingerprint makes it replace ours.

Tokens are encrypted at rest with Fernet when ``LEDGERBRIDGE_FERNET_KEY`` is set.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
from dataclasses import dataclass
from typing import Callable

from ledgerbridge import db

log = logging.getLogger(__name__)

# Refresh this long before the ledger would refuse the access token, so a call never starts with a dying token.
EXPIRY_MARGIN = dt.timedelta(seconds=120)


@dataclass(frozen=True)
class TokenGrant:
    access_token: str
    expires_in: int
    refresh_token: str | None  # None for grants without one (Xero client_credentials)


class ReauthorisationRequired(RuntimeError):
    """The ledger refused our refresh token: a person has to consent again."""

    def __init__(self, ledger: str, conn_id: str, detail: str) -> None:
        super().__init__(
            f"{ledger}: the refresh token of Airflow connection {conn_id!r} was refused ({detail}). Re-authorise the "
            f"app for this company and put the new refresh token in connection {conn_id!r}."
        )
        self.ledger = ledger
        self.conn_id = conn_id


def fingerprint(token: str | None) -> str | None:
    return hashlib.sha256(token.encode()).hexdigest() if token else None


class _Cipher:
    def __init__(self) -> None:
        key = os.environ.get("LEDGERBRIDGE_FERNET_KEY")
        if key:
            from cryptography.fernet import Fernet  # noqa: PLC0415

            self._fernet: object | None = Fernet(key.encode())
        else:
            self._fernet = None

    def seal(self, value: str | None) -> str | None:
        if value is None or self._fernet is None:
            return value
        return "fernet:" + self._fernet.encrypt(value.encode()).decode()  # type: ignore[attr-defined]

    def open(self, value: str | None) -> str | None:
        if value is None or not value.startswith("fernet:"):
            return value
        if self._fernet is None:
            raise RuntimeError("stored tokens are encrypted but LEDGERBRIDGE_FERNET_KEY is not set")
        return self._fernet.decrypt(value[7:].encode()).decode()  # type: ignore[attr-defined]


class TokenStore:
    def __init__(self, db_url: str | None = None) -> None:
        self._db_url = db_url
        self._cipher = _Cipher()

    def _url(self) -> str:
        if self._db_url is None:
            self._db_url = db.ledger_db_url()
        return self._db_url

    def access_token(
        self,
        conn_id: str,
        ledger: str,
        seed_refresh_token: str | None,
        refresh: Callable[[str | None], TokenGrant],
        *,
        rejected: str | None = None,
    ) -> str:
        """A usable access token for ``conn_id``, refreshing through ``refresh(refresh_token)`` when needed.

        ``rejected`` is an access token the ledger just answered 401 to: it is not handed out again, so the caller
        gets a freshly refreshed one (or the one a concurrent refresher already obtained).
        """
        seed_fp = fingerprint(seed_refresh_token)
        with db.connect(self._url(), autocommit=True) as conn:
            row = conn.execute(db.sql("tokens/read"), {"conn_id": conn_id}).fetchone()
            if row and self._usable(row, rejected, seed_fp):
                return self._cipher.open(row["access_token"])  # type: ignore[return-value]
            with conn.transaction():
                conn.execute(db.sql("tokens/ensure_row"), {
                    "conn_id": conn_id, "ledger": ledger,
                    "refresh_token": self._cipher.seal(seed_refresh_token), "seed_fingerprint": seed_fp,
                })
                row = conn.execute(db.sql("tokens/lock"), {"conn_id": conn_id}).fetchone()
                assert row is not None
                if self._usable(row, rejected, seed_fp):
                    # another worker refreshed while we waited for the lock
                    return self._cipher.open(row["access_token"])  # type: ignore[return-value]
                if seed_fp is not None and row["seed_fingerprint"] != seed_fp:
                    log.info("%s: connection %s holds a new refresh token; it replaces the stored one", ledger,
                             conn_id)
                    current = seed_refresh_token
                else:
                    current = self._cipher.open(row["refresh_token"])
                grant = refresh(current)
                expires_at = dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=grant.expires_in)
                conn.execute(db.sql("tokens/save"), {
                    "conn_id": conn_id,
                    "access_token": self._cipher.seal(grant.access_token),
                    "access_expires_at": expires_at,
                    "refresh_token": self._cipher.seal(grant.refresh_token or current),
                    "seed_fingerprint": seed_fp if seed_fp is not None else row["seed_fingerprint"],
                })
                log.info("%s: refreshed the access token of connection %s (valid %ss)", ledger, conn_id,
                         grant.expires_in)
                return grant.access_token

    def _usable(self, row: dict, rejected: str | None, seed_fp: str | None) -> bool:
        if not row["access_token"] or row["access_expires_at"] is None:
            return False
        if seed_fp is not None and row["seed_fingerprint"] != seed_fp:
            return False
        if row["access_expires_at"] - EXPIRY_MARGIN <= dt.datetime.now(dt.timezone.utc):
            return False
        return rejected is None or self._cipher.open(row["access_token"]) != rejected

    def state(self, conn_id: str) -> dict | None:
        """The stored row with tokens decrypted (for tests and diagnostics; never log it)."""
        with db.connect(self._url(), autocommit=True) as conn:
            row = conn.execute(db.sql("tokens/read"), {"conn_id": conn_id}).fetchone()
        if row:
            row = dict(row)
            row["access_token"] = self._cipher.open(row["access_token"])
            row["refresh_token"] = self._cipher.open(row["refresh_token"])
        return row
