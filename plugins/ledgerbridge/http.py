"""The HTTP base both ledger hooks share: the Airflow connection contract, OAuth through the token store, one retry
predicate, pacing, and errors that name the ledger, the endpoint and the record.

Retries happen only for connection errors, timeouts, broken responses, 429 and 5xx (honouring ``Retry-After``);
every other error is raised at once. A 401 gets exactly one forced token refresh, then a clear error telling the
operator to re-authorise.
"""

from __future__ import annotations

import json
import logging
import random
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Callable

import requests
from airflow.sdk import BaseHook
from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt

from ledgerbridge.tokens import ReauthorisationRequired, TokenGrant, TokenStore

log = logging.getLogger(__name__)


class LedgerAPIError(RuntimeError):
    """A ledger refused a request. ``record`` names the record concerned, when there is one."""

    def __init__(self, ledger: str, method: str, endpoint: str, status: int | None, detail: str,
                 record: str | None = None, *, code: str | None = None, body: Any = None) -> None:
        where = f"{ledger} {method} {endpoint}"
        what = f" (record {record})" if record else ""
        super().__init__(f"{where} failed{what}: HTTP {status}: {detail}" if status else f"{where} failed{what}: "
                         f"{detail}")
        self.ledger = ledger
        self.method = method
        self.endpoint = endpoint
        self.status = status
        self.detail = detail
        self.record = record
        self.code = code
        self.body = body


class RetriableAPIError(LedgerAPIError):
    """429 or 5xx: worth another try, after ``retry_after`` seconds when the ledger said so."""

    def __init__(self, *args: Any, retry_after: float | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.retry_after = retry_after


class RateLimitExhausted(LedgerAPIError):
    """A limit that will not reset within a task's patience (Xero's daily limit)."""


def grant_from(body: dict[str, Any]) -> TokenGrant:
    """A token endpoint's answer (both ledgers' fields)."""
    def seconds(name: str) -> int | None:
        value = body.get(name)
        return int(value) if value not in (None, "") else None

    return TokenGrant(body["access_token"], int(body.get("expires_in", 1800)), body.get("refresh_token"),
                      refresh_expires_in=seconds("x_refresh_token_expires_in"),
                      refresh_hard_expires_in=seconds("x_refresh_token_hard_expires_in"), scope=body.get("scope"))


def oauth_error_text(response: requests.Response) -> str:
    """``error: error_description`` of an OAuth error answer; never echoes anything the caller sent."""
    try:
        body = response.json()
    except ValueError:
        return f"HTTP {response.status_code}"
    if not isinstance(body, dict):
        return f"HTTP {response.status_code}"
    error, description = str(body.get("error", "")), str(body.get("error_description", ""))
    return f"{error}: {description}"[:300] if description else (error or f"HTTP {response.status_code}")


def is_retriable(exc: BaseException) -> bool:
    """The one retry predicate: transport failures, 429 and 5xx; never another 4xx."""
    return isinstance(exc, (RetriableAPIError, requests.ConnectionError, requests.Timeout,
                            requests.exceptions.ChunkedEncodingError))


class Pacer:
    """Keeps a hook under a ledger's call limits, so a normal run meets no 429.

    A sliding window of our own calls per limit, plus what the ledger says is left (``note_remaining``): when the
    ledger reports the budget spent by others sharing the company, we wait for the window to pass.
    """

    def __init__(self, limits: dict[str, tuple[int, float]], clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.limits = limits  # kind -> (calls, per seconds)
        self._calls: dict[str, deque[float]] = {kind: deque() for kind in limits}
        self._exhausted_until = 0.0
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self.waited = 0.0

    def before(self, kinds: tuple[str, ...] = ("any",)) -> None:
        with self._lock:
            while True:
                now = self._clock()
                wait = max(0.0, self._exhausted_until - now)
                for kind in kinds:
                    if kind not in self.limits:
                        continue
                    limit, per = self.limits[kind]
                    calls = self._calls[kind]
                    while calls and now - calls[0] >= per:
                        calls.popleft()
                    if len(calls) >= limit:
                        wait = max(wait, calls[0] + per - now)
                if wait <= 0:
                    break
                log.info("pacing: waiting %.1fs to stay under the ledger's call limits", wait)
                self.waited += wait
                self._sleep(wait)
            for kind in kinds:
                if kind in self._calls:
                    self._calls[kind].append(self._clock())

    def note_remaining(self, remaining: int | None, window: float) -> None:
        """The ledger says ``remaining`` calls are left in the current window of ``window`` seconds."""
        if remaining is not None and remaining <= 0:
            with self._lock:
                self._exhausted_until = max(self._exhausted_until, self._clock() + window)


@dataclass
class CallStats:
    """What a hook did, for run summaries and benchmarks."""

    requests: int = 0
    retries: int = 0
    refreshes: int = 0
    by_endpoint: dict[str, int] = field(default_factory=dict)

    def count(self, method: str, endpoint: str) -> None:
        self.requests += 1
        key = f"{method} {endpoint}"
        self.by_endpoint[key] = self.by_endpoint.get(key, 0) + 1


class LedgerHook(BaseHook):
    """Base of :class:`xero.hooks.XeroHook` and :class:`quickbooks.hooks.QuickBooksHook`."""

    conn_name_attr = "conn_id"
    ledger = ""
    default_conn_name = ""
    conn_type = ""
    hook_name = ""
    default_api_url = ""
    default_token_url = ""
    pacer_limits: dict[str, tuple[int, float]] = {}
    access_token_name = "access token"
    token_headers: dict[str, str] = {}  # extra headers on token requests (Intuit's hard-expiry opt-in)

    def __init__(self, conn_id: str | None = None, *, token_store: TokenStore | None = None,
                 timeout: float | tuple[float, float] = (10.0, 120.0), max_attempts: int = 6,
                 max_retry_wait: float = 300.0, ledger_db_conn_id: str = "ledger_db") -> None:
        super().__init__()
        self.conn_id = conn_id or self.default_conn_name
        self.token_store = token_store or TokenStore(db_url=None)
        self.timeout = timeout
        self.max_attempts = max_attempts
        self.max_retry_wait = max_retry_wait
        self.ledger_db_conn_id = ledger_db_conn_id
        self.stats = CallStats()
        self.pacer = Pacer(self.pacer_limits)
        self._session: requests.Session | None = None
        self._access_token: str | None = None

    # --- the connection ----------------------------------------------------------------------------------------
    @cached_property
    def connection(self) -> Any:
        return self.get_connection(self.conn_id)

    def extra(self, name: str, default: Any = None) -> Any:
        extras = self.connection.extra_dejson
        for key in (name, f"extra__{self.conn_type}__{name}"):
            value = extras.get(key)
            if value not in (None, ""):
                return value
        return default

    def require(self, value: Any, what: str) -> Any:
        if value in (None, ""):
            raise ValueError(f"{self.ledger}: Airflow connection {self.conn_id!r} has no {what}")
        return value

    @property
    def client_id(self) -> str:
        return self.require(self.connection.login, "client id (login)")

    @property
    def client_secret(self) -> str:
        return self.require(self.connection.password, "client secret (password)")

    @property
    def api_url(self) -> str:
        return str(self.extra("api_url") or self.connection.host or self.default_api_url).rstrip("/")

    @property
    def token_url(self) -> str:
        """The OAuth token endpoint: the connection's ``oauth_url`` (named without "token", which Airflow masks in
        its forms), else the older ``token_url`` field, else the ledger's production endpoint.

        A ``token_url`` of ``***`` is what Airflow's form saved when it showed the masked default: the production
        endpoint was meant, and is used (with a warning saying how to correct the connection)."""
        url = self.extra("oauth_url") or self.extra("token_url")
        if url is not None and set(str(url)) == {"*"}:
            log.warning("%s: Airflow connection %r has a masked token URL %r (saved from a form that hid it); "
                        "using %s. Set its 'OAuth token endpoint' field (oauth_url) to correct it.",
                        self.ledger, self.conn_id, url, self.default_token_url)
            url = None
        return str(url or self.default_token_url)

    def get_conn(self) -> requests.Session:
        if self._session is None:
            session = requests.Session()
            session.headers.update({"Accept": "application/json", "User-Agent": "ledgerbridge/0.1"})
            self._session = session
        return self._session

    # --- OAuth ---------------------------------------------------------------------------------------------------
    # Ledger-specific: exchange a refresh token (None for grants without one) at the token endpoint.
    _grant: Callable[[str | None], TokenGrant]

    def _post_token(self, form: dict[str, str]) -> TokenGrant:
        """POST the token endpoint with HTTP Basic client auth; map refusals to :class:`ReauthorisationRequired`."""
        self.stats.refreshes += 1
        response = self._send_with_retries(
            lambda: self.get_conn().post(self.token_url, data=form, auth=(self.client_id, self.client_secret),
                                         headers={"Accept": "application/json", **self.token_headers},
                                         timeout=self.timeout),
            "POST", "token",
        )
        if response.status_code in (400, 401):
            try:
                error = response.json().get("error", "")
            except ValueError:
                error = response.text[:200]
            if error in ("invalid_grant", "invalid_client", "unauthorized_client"):
                raise ReauthorisationRequired(self.ledger, self.conn_id, oauth_error_text(response))
            raise LedgerAPIError(self.ledger, "POST", "token", response.status_code, str(error))
        if response.status_code >= 400:
            raise LedgerAPIError(self.ledger, "POST", "token", response.status_code, response.text[:300])
        return grant_from(response.json())

    def _seed_refresh_token(self) -> str | None:
        return self.extra("refresh_token")

    def access_token(self, rejected: str | None = None) -> str:
        token = self.token_store.access_token(self.conn_id, self.ledger, self._seed_refresh_token(), self._grant,
                                              rejected=rejected)
        self._access_token = token
        return token

    # --- requests -------------------------------------------------------------------------------------------------
    def _headers(self) -> dict[str, str]:
        """Ledger-specific headers for API calls (tenant id etc.)."""
        return {}

    def _error_detail(self, response: requests.Response) -> tuple[str, str | None]:
        """Ledger-specific: (message, error code) from an error response."""
        return response.text[:500], None

    def _observe(self, response: requests.Response) -> None:
        """Ledger-specific: read rate-limit headers into the pacer."""

    def _retry_after(self, response: requests.Response) -> float | None:
        value = response.headers.get("Retry-After")
        try:
            return float(value) if value is not None else None
        except ValueError:
            return None

    def _wait(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, RetriableAPIError) and exc.retry_after is not None:
            return min(exc.retry_after, self.max_retry_wait)
        backoff = min(self.max_retry_wait, 0.5 * 2 ** (state.attempt_number - 1))
        return backoff + random.uniform(0, backoff / 4)

    def _send_with_retries(self, send: Callable[[], requests.Response], method: str, endpoint: str,
                           record: str | None = None) -> requests.Response:
        def attempt() -> requests.Response:
            response = send()
            self._observe(response)
            if response.status_code == 429 or response.status_code >= 500:
                detail, code = self._error_detail(response)
                self._raise_for_limit(response, method, endpoint, detail, record)
                raise RetriableAPIError(self.ledger, method, endpoint, response.status_code, detail, record,
                                        code=code, retry_after=self._retry_after(response))
            return response

        retrying = Retrying(retry=retry_if_exception(is_retriable), stop=stop_after_attempt(self.max_attempts),
                            wait=self._wait, reraise=True, before_sleep=self._log_retry)
        return retrying(attempt)

    def _raise_for_limit(self, response: requests.Response, method: str, endpoint: str, detail: str,
                         record: str | None) -> None:
        """Ledger-specific: raise RateLimitExhausted for limits not worth waiting for."""

    def _log_retry(self, state: RetryCallState) -> None:
        self.stats.retries += 1
        exc = state.outcome.exception() if state.outcome else None
        log.warning("%s: attempt %s failed (%s); retrying in %.1fs", self.ledger, state.attempt_number,
                    exc, state.next_action.sleep if state.next_action else 0)

    def request(self, method: str, path: str, *, params: dict[str, Any] | None = None, json_body: Any = None,
                data: str | bytes | None = None, headers: dict[str, str] | None = None,
                record: str | None = None, pace: tuple[str, ...] = ("any",),
                ok_statuses: tuple[int, ...] = ()) -> requests.Response:
        """One API call with pacing, retries and the 401 refresh; raises LedgerAPIError on any other error."""
        url = path if path.startswith("http") else f"{self.api_url}/{path.lstrip('/')}"
        endpoint = path.split("?")[0]
        body = json.dumps(json_body, separators=(",", ":"), default=str) if json_body is not None else data
        refreshed = False
        token = self._access_token or self.access_token()
        while True:
            def send() -> requests.Response:
                self.pacer.before(pace)
                self.stats.count(method, endpoint)
                all_headers = {**self._headers(), **(headers or {}), "Authorization": f"Bearer {token}"}
                if json_body is not None:
                    all_headers.setdefault("Content-Type", "application/json")
                return self.get_conn().request(method, url, params=params, data=body, headers=all_headers,
                                               timeout=self.timeout)

            response = self._send_with_retries(send, method, endpoint, record)
            if response.status_code == 401:
                if refreshed:
                    detail, _ = self._error_detail(response)
                    raise ReauthorisationRequired(self.ledger, self.conn_id,
                                                  f"the API refused a freshly refreshed access token: {detail}")
                log.info("%s: %s %s answered 401; refreshing the access token once", self.ledger, method, endpoint)
                token = self.access_token(rejected=token)
                refreshed = True
                continue
            if response.status_code >= 400 and response.status_code not in ok_statuses:
                detail, code = self._error_detail(response)
                raise LedgerAPIError(self.ledger, method, endpoint, response.status_code, detail, record, code=code,
                                     body=_json_or_text(response))
            return response


def _json_or_text(response: requests.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return response.text[:2000]
