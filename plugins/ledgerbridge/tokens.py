"""One OAuth token store for both ledgers, in our Postgres (an Airflow 3 task cannot write a Connection).

Per Airflow connection it keeps the access token, its expiry and the refresh token. A refresh runs while holding
the connection's row lock, and the rotated refresh token is committed in that same transaction, so:

- two tasks refreshing at once never spend the same refresh token: the second waits on the lock and then finds
  the access token the first one obtained;
- the newest refresh token is never lost once the ledger has answered (Xero additionally honours the previous
  token for 30 minutes, which covers a crash between its answer and our commit).

The Airflow connection holds the refresh token an operator obtained by consenting. It seeds the row; when the
operator re-authorises and puts a new token in the connection, its changed fingerprint makes it replace ours.

Tokens are always encrypted at rest (Fernet). The key is ``LEDGERBRIDGE_FERNET_KEY`` when set (comma-separated
keys: the first encrypts, every one decrypts, for rotation), else the file ``LEDGERBRIDGE_FERNET_KEY_FILE``
(default ``config/fernet.key``, git-ignored), generated on first use with mode 0600. The key is never in the
database, like Airflow's own Fernet key. A token is never written in plain text; plain text left by an older
version is still read, and sealed by the next save or by ``python -m ledgerbridge.connect rotate-key``.

Beside the tokens each row keeps the connection's health (migration 0015): organisation, granted scopes, when the
refresh token was issued and when it dies (Xero: 60 days unused; Intuit: 100 days rolling and a 5-year cap), the
last ``invalid_grant``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from ledgerbridge import db

log = logging.getLogger(__name__)

# Refresh this long before the ledger would refuse the access token, so a call never starts with a dying token.
EXPIRY_MARGIN = dt.timedelta(seconds=120)


# How long an unused refresh token lives when the token response does not say (Xero never does; fact sheets §5).
ROLLING_LIFETIME = {"xero": dt.timedelta(days=60), "quickbooks": dt.timedelta(days=100)}


@dataclass(frozen=True)
class TokenGrant:
    access_token: str
    expires_in: int
    refresh_token: str | None  # None for grants without one (Xero client_credentials)
    refresh_expires_in: int | None = None  # Intuit x_refresh_token_expires_in
    refresh_hard_expires_in: int | None = None  # Intuit x_refresh_token_hard_expires_in (asked for by header)
    scope: str | None = None  # as the token response states it


def connect_command(ledger: str, conn_id: str) -> str:
    return f"python -m ledgerbridge.connect {ledger} --conn-id {conn_id}"


class ReauthorisationRequired(RuntimeError):
    """The ledger refused our refresh token: a person has to consent again."""

    def __init__(self, ledger: str, conn_id: str, detail: str) -> None:
        super().__init__(
            f"{ledger}: the refresh token of Airflow connection {conn_id!r} was refused ({detail}). Connect the "
            f"organisation again: {connect_command(ledger, conn_id)}"
        )
        self.ledger = ledger
        self.conn_id = conn_id
        self.detail = detail


def fingerprint(token: str | None) -> str | None:
    return hashlib.sha256(token.encode()).hexdigest() if token else None


class TokenKeyError(RuntimeError):
    """No usable Fernet key: says where one is looked for."""


def key_file() -> Path:
    configured = os.environ.get("LEDGERBRIDGE_FERNET_KEY_FILE")
    if configured:
        return Path(configured)
    default = Path(__file__).resolve().parent.parent.parent / "config"
    return Path(os.environ.get("LEDGERBRIDGE_CONFIG_DIR", default)) / "fernet.key"


def read_keys(*, create: bool = True) -> tuple[list[str], str]:
    """The Fernet keys (the first encrypts) and where they came from; a key file is generated when none exists."""
    from cryptography.fernet import Fernet  # noqa: PLC0415

    env = os.environ.get("LEDGERBRIDGE_FERNET_KEY", "").strip()
    if env:
        return [k.strip() for k in env.split(",") if k.strip()], "LEDGERBRIDGE_FERNET_KEY"
    path = key_file()
    if not path.exists():
        if not create:
            raise TokenKeyError(f"no token encryption key: {path} does not exist and LEDGERBRIDGE_FERNET_KEY is not set")
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process generated it first: use theirs
        except OSError as exc:
            raise TokenKeyError(f"cannot create the token encryption key {path} ({exc.strerror}); set "
                            "LEDGERBRIDGE_FERNET_KEY or LEDGERBRIDGE_FERNET_KEY_FILE") from None
        else:
            with os.fdopen(fd, "w") as handle:
                handle.write(Fernet.generate_key().decode() + "\n")
            log.warning("generated the token encryption key %s: keep it with your backups; tokens stored with it "
                        "cannot be read without it", path)
    keys = [line.strip() for line in path.read_text().splitlines() if line.strip() and not line.startswith("#")]
    if not keys:
        raise TokenKeyError(f"the token encryption key file {path} is empty")
    return keys, str(path)


class _Cipher:
    """Fernet with every configured key (MultiFernet): seals with the first, opens with any."""

    def __init__(self, keys: list[str] | None = None) -> None:
        from cryptography.fernet import Fernet, MultiFernet  # noqa: PLC0415

        if keys is None:
            keys, self.source = read_keys()
        else:
            self.source = "given"
        try:
            self._fernet = MultiFernet([Fernet(k.encode()) for k in keys])
        except ValueError as exc:
            raise TokenKeyError(f"the token encryption key from {self.source} is not a Fernet key ({exc})") from None

    def seal(self, value: str | None) -> str | None:
        if value is None:
            return None
        return "fernet:" + self._fernet.encrypt(value.encode()).decode()

    def open(self, value: str | None) -> str | None:
        if value is None or not value.startswith("fernet:"):
            return value  # plain text an older version left: read, sealed by the next save
        from cryptography.fernet import InvalidToken  # noqa: PLC0415

        try:
            return self._fernet.decrypt(value[7:].encode()).decode()
        except InvalidToken:
            raise TokenKeyError(f"the stored tokens were encrypted with another key than the one from {self.source}") \
                from None


class TokenStore:
    def __init__(self, db_url: str | None = None) -> None:
        self._db_url = db_url
        self._cipher_: _Cipher | None = None

    @property
    def _cipher(self) -> _Cipher:
        if self._cipher_ is None:
            self._cipher_ = _Cipher()
        return self._cipher_

    def _url(self) -> str:
        if self._db_url is None:
            self._db_url = db.ledger_db_url()
        return self._db_url

    @property
    def db_url(self) -> str:
        return self._url()

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
                try:
                    grant = refresh(current)
                except ReauthorisationRequired as exc:
                    failure: ReauthorisationRequired | None = exc
                else:
                    failure = None
                    now = dt.datetime.now(dt.timezone.utc)
                    expires_at = now + dt.timedelta(seconds=grant.expires_in)
                    conn.execute(db.sql("tokens/save"), {
                        "conn_id": conn_id,
                        "access_token": self._cipher.seal(grant.access_token),
                        "access_expires_at": expires_at,
                        "refresh_token": self._cipher.seal(grant.refresh_token or current),
                        "seed_fingerprint": seed_fp if seed_fp is not None else row["seed_fingerprint"],
                        "rotated": bool(grant.refresh_token) and grant.refresh_token != current,
                        **refresh_deaths(ledger, grant, now),
                        "scopes": grant.scope,
                    })
            if failure is not None:
                # the locked transaction is rolled back (the stored token stays); the refusal is noted apart
                conn.execute(db.sql("tokens/invalid_grant"), {"conn_id": conn_id, "detail": failure.detail[:300]})
                raise failure
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

    # --- the consent flow and token health (python -m ledgerbridge.connect) --------------------------------------
    def seed(self, conn_id: str, ledger: str, grant: TokenGrant, *, company_id: str, company_name: str | None,
             scopes: str) -> None:
        """A fresh consent: store its tokens (sealed) and what was granted, replacing the row of ``conn_id``."""
        if not grant.refresh_token:
            raise ValueError(f"{ledger}: the token response for {conn_id!r} carries no refresh token "
                             "(was offline_access granted?)")
        now = dt.datetime.now(dt.timezone.utc)
        with db.connect(self._url(), autocommit=True) as conn:
            conn.execute(db.sql("tokens/seed"), {
                "conn_id": conn_id, "ledger": ledger,
                "access_token": self._cipher.seal(grant.access_token),
                "access_expires_at": now + dt.timedelta(seconds=grant.expires_in),
                "refresh_token": self._cipher.seal(grant.refresh_token),
                "seed_fingerprint": None,  # the connection holds no refresh token: the store is the only copy
                "company_id": company_id, "company_name": company_name, "scopes": grant.scope or scopes,
                **refresh_deaths(ledger, grant, now),
            })

    def health(self) -> list[dict[str, Any]]:
        """Every stored connection's health, without tokens."""
        with db.connect(self._url(), autocommit=True) as conn:
            return [dict(r) for r in conn.execute(db.sql("tokens/health")).fetchall()]

    def note_death_alert(self, conn_id: str) -> None:
        with db.connect(self._url(), autocommit=True) as conn:
            conn.execute(db.sql("tokens/death_alerted"), {"conn_id": conn_id})

    def delete(self, conn_id: str) -> bool:
        with db.connect(self._url(), autocommit=True) as conn:
            return conn.execute(db.sql("tokens/delete"), {"conn_id": conn_id}).fetchone() is not None

    def rotate(self, old_and_new: list[str], new_only: list[str]) -> int:
        """Re-encrypt every stored token with the first of ``old_and_new`` (which can open all of them); returns
        the rows sealed. ``new_only`` must open the result: checked before the transaction commits."""
        both, new = _Cipher(old_and_new), _Cipher(new_only)
        count = 0
        with db.connect(self._url(), autocommit=True) as conn, conn.transaction():
            for row in conn.execute(db.sql("tokens/lock_all")).fetchall():
                try:
                    sealed = {k: both.seal(both.open(row[k])) for k in ("access_token", "refresh_token")}
                except TokenKeyError as exc:
                    raise TokenKeyError(f"connection {row['conn_id']}: {exc}; nothing was re-encrypted") from None
                for k, v in sealed.items():
                    assert new.open(v) == both.open(row[k])
                conn.execute(db.sql("tokens/reseal"), {"conn_id": row["conn_id"], **sealed})
                count += 1
        return count

    def state(self, conn_id: str) -> dict | None:
        """The stored row with tokens decrypted (for tests and diagnostics; never log it)."""
        with db.connect(self._url(), autocommit=True) as conn:
            row = conn.execute(db.sql("tokens/read"), {"conn_id": conn_id}).fetchone()
        if row:
            row = dict(row)
            row["access_token"] = self._cipher.open(row["access_token"])
            row["refresh_token"] = self._cipher.open(row["refresh_token"])
        return row


def refresh_deaths(ledger: str, grant: TokenGrant, now: dt.datetime) -> dict[str, dt.datetime | None]:
    """When the refresh token of ``grant`` dies: rolling (as the ledger says, else its documented lifetime) and,
    for Intuit when it says, the hard cap."""
    rolling = (dt.timedelta(seconds=grant.refresh_expires_in) if grant.refresh_expires_in
               else ROLLING_LIFETIME.get(ledger))
    return {
        "refresh_expires_at": now + rolling if (rolling and grant.refresh_token) else None,
        "refresh_hard_expires_at": (now + dt.timedelta(seconds=grant.refresh_hard_expires_in)
                                    if grant.refresh_hard_expires_in else None),
    }
