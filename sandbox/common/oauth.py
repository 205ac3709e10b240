"""OAuth 2.0 token issuing with each ledger's refresh-token rotation rules.

Xero rotates the refresh token on every refresh and keeps the previous one usable for a 30-minute grace period
(so a lost refresh response can be retried). QuickBooks returns the same refresh token for about a day, then a
new value, after which the old one is refused at once. Both answer ``400 {"error": "invalid_grant"}`` to a spent,
expired or unknown token and ``401 {"error": "invalid_client"}`` to bad client credentials.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import threading
from dataclasses import dataclass, field
from typing import Any

from sandbox.common.clock import Clock


class OAuthError(Exception):
    def __init__(self, status: int, error: str, description: str = "") -> None:
        super().__init__(error)
        self.status = status
        self.error = error
        self.description = description

    def body(self) -> dict[str, str]:
        body = {"error": self.error}
        if self.description:
            body["error_description"] = self.description
        return body


@dataclass
class RotationPolicy:
    access_ttl: int  # seconds
    refresh_ttl: int  # seconds a refresh token lives unused
    # Xero: rotate every time, previous token usable for grace_seconds. QuickBooks: same token returned until it is
    # rotate_after seconds old, then a new one, the old one dead at once (grace_seconds = 0).
    rotate_every_refresh: bool
    grace_seconds: int = 0
    rotate_after: int = 0


XERO_POLICY = RotationPolicy(access_ttl=1800, refresh_ttl=60 * 86400, rotate_every_refresh=True, grace_seconds=1800)
QUICKBOOKS_POLICY = RotationPolicy(access_ttl=3600, refresh_ttl=100 * 86400, rotate_every_refresh=False,
                                   rotate_after=24 * 3600)


@dataclass
class _Refresh:
    token: str
    issued_at: float
    last_used: float
    spent_at: float | None = None  # when a newer token replaced it
    successor: str | None = None
    scope: str | None = None  # what the person granted (None: the token printed at start-up)


@dataclass
class _Access:
    token: str
    expires_at: float
    subject: str  # the company id (tenant/realm) the token grants


@dataclass
class TokenIssuer:
    clock: Clock
    policy: RotationPolicy
    client_id: str
    client_secret: str
    subject: str
    _refresh: dict[str, _Refresh] = field(default_factory=dict)
    _access: dict[str, _Access] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    refresh_count: int = 0

    # --- set-up -------------------------------------------------------------------------------------------------
    def initial_refresh_token(self) -> str:
        """The refresh token printed at start-up (what the consent flow would have handed the app)."""
        with self._lock:
            token = self._new_refresh_locked()
        return token

    def _new_refresh_locked(self, scope: str | None = None) -> str:
        token = secrets.token_urlsafe(32)
        now = self.clock.time()
        self._refresh[token] = _Refresh(token=token, issued_at=now, last_used=now, scope=scope)
        return token

    def issue_for_code(self, scope: str) -> tuple[_Access, str]:
        """The authorization-code grant: a new access token and a new refresh token carrying ``scope``."""
        with self._lock:
            self.refresh_count += 1
            return self._new_access_locked(), self._new_refresh_locked(scope)

    def is_refresh_token(self, token: str) -> bool:
        return token in self._refresh

    def scope_of(self, refresh_token: str | None) -> str | None:
        entry = self._refresh.get(refresh_token or "")
        return entry.scope if entry else None

    def _new_access_locked(self) -> _Access:
        token = secrets.token_urlsafe(40)
        access = _Access(token=token, expires_at=self.clock.time() + self.policy.access_ttl, subject=self.subject)
        self._access[token] = access
        return access

    # --- the token endpoint ---------------------------------------------------------------------------------------
    def check_client(self, authorization: str | None, form: dict[str, Any]) -> None:
        """Client authentication: HTTP Basic, or client_id/client_secret in the form body."""
        cid, secret = form.get("client_id"), form.get("client_secret")
        if authorization and authorization.lower().startswith("basic "):
            try:
                decoded = base64.b64decode(authorization[6:].strip()).decode()
                cid, _, secret = decoded.partition(":")
            except (ValueError, UnicodeDecodeError) as exc:
                raise OAuthError(401, "invalid_client") from exc
        if not (cid and secret and secrets.compare_digest(cid, self.client_id)
                and secrets.compare_digest(secret, self.client_secret)):
            raise OAuthError(401 if authorization else 400, "invalid_client")

    def refresh(self, refresh_token: str | None) -> tuple[_Access, str]:
        """Exchange a refresh token. Returns the new access token and the refresh token to hand back."""
        if not refresh_token:
            raise OAuthError(400, "invalid_request", "refresh_token is required")
        now = self.clock.time()
        with self._lock:
            entry = self._refresh.get(refresh_token)
            if entry is None:
                raise OAuthError(400, "invalid_grant")
            if now - entry.last_used > self.policy.refresh_ttl:
                raise OAuthError(400, "invalid_grant", "Token has been expired or revoked")
            if entry.spent_at is not None and (
                self.policy.grace_seconds == 0 or now - entry.spent_at > self.policy.grace_seconds
            ):
                raise OAuthError(400, "invalid_grant")
            self.refresh_count += 1
            access = self._new_access_locked()
            if self.policy.rotate_every_refresh or now - entry.issued_at >= self.policy.rotate_after:
                if entry.spent_at is not None and entry.successor is not None:
                    # a grace-period replay after a lost response: hand back the token it was replaced by
                    return access, entry.successor
                new = self._new_refresh_locked(entry.scope)
                entry.spent_at = now
                entry.successor = new
                return access, new
            entry.last_used = now
            return access, refresh_token

    def client_credentials(self) -> _Access:
        with self._lock:
            self.refresh_count += 1
            return self._new_access_locked()

    # --- API calls ----------------------------------------------------------------------------------------------
    def authenticate(self, authorization: str | None) -> tuple[bool, str]:
        """Check a bearer token. Returns (ok, reason) where reason says why not."""
        if not authorization or not authorization.lower().startswith("bearer "):
            return False, "missing"
        token = authorization[7:].strip()
        access = self._access.get(token)
        if access is None:
            return False, "invalid"
        if self.clock.time() >= access.expires_at:
            return False, "expired"
        return True, "ok"

    def expires_at(self, authorization: str) -> float:
        return self._access[authorization[7:].strip()].expires_at

    def expire_all_access(self) -> None:
        """Test control: every issued access token is treated as expired from now on."""
        with self._lock:
            now = self.clock.time()
            for access in self._access.values():
                access.expires_at = min(access.expires_at, now)

    # --- persistence (--state) -----------------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        with self._lock:
            return {
                "client_id": self.client_id,
                "client_secret": self.client_secret,
                "subject": self.subject,
                "refresh": [vars(r) for r in self._refresh.values()],
                "access": [vars(a) for a in self._access.values() if a.expires_at > self.clock.time()],
            }

    @classmethod
    def from_dict(cls, data: dict[str, Any], clock: Clock, policy: RotationPolicy) -> TokenIssuer:
        issuer = cls(clock=clock, policy=policy, client_id=data["client_id"], client_secret=data["client_secret"],
                     subject=data["subject"])
        issuer._refresh = {r["token"]: _Refresh(**r) for r in data.get("refresh", [])}
        issuer._access = {a["token"]: _Access(**a) for a in data.get("access", [])}
        return issuer

    def revoke(self, token: str) -> None:
        with self._lock:
            self._refresh.pop(token, None)
            self._access.pop(token, None)


def fingerprint(*parts: bytes | str) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(part if isinstance(part, bytes) else part.encode())
        h.update(b"\x00")
    return h.hexdigest()
