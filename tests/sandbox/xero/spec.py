"""Fidelity checks of Xero sandbox responses against Xero's official OpenAPI specs (loaded once per test session).

Every response a test receives goes through :meth:`SpecChecker.check`:
- Accounting API responses whose status the spec declares (200, 400) validate against that operation's schema
  (openapi-core); a 400 the operation does not declare validates against the ``Error`` schema; a non-JSON 200 (an
  attachment's bytes) only where the operation declares ``application/octet-stream``; a 204 only where declared, and
  empty;
- what the spec leaves out (fact sheet §7) is checked by hand: the envelope keys ``Id/Status/ProviderName/
  DateTimeUTC``, every ``/Date(...)/`` field against ``^/Date\\((-?\\d+)([+-]\\d{4})?\\)/$``, the rate-limit headers,
  problem-details 401/403/413, the plain-text 404 and the 429 headers; the envelope only on operations whose answer
  is a plural wrapper (``x-objectArrayKey``: not the bare ``Allocation`` of DELETE …/Allocations/{id});
- ``/connections`` validates against xero-identity.yaml, token responses against its ``AccessToken`` schema.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Mapping
from urllib.parse import parse_qsl, urlsplit

import yaml
from openapi_core import Config, OpenAPI
from openapi_core.datatypes import RequestParameters
from openapi_core.templating.responses.exceptions import ResponseNotFound
from openapi_schema_validator import OAS30Validator
from werkzeug.datastructures import Headers, ImmutableMultiDict

from sandbox.process import ROOT

SPEC_DIR = ROOT / "specs" / "xero"
MS_DATE = re.compile(r"^/Date\((-?\d+)([+-]\d{4})?\)/$")
DOTNET_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}$")
NOT_FOUND_TEXT = "The resource you're looking for cannot be found"
LIMIT_HEADERS = ("X-MinLimit-Remaining", "X-DayLimit-Remaining", "X-AppMinLimit-Remaining")


class _Loader(yaml.CSafeLoader):
    """YAML without timestamp coercion: the spec's examples hold dates that must stay strings."""


_Loader.yaml_implicit_resolvers = {
    key: [r for r in resolvers if r[0] != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.CSafeLoader.yaml_implicit_resolvers.items()
}


def load_yaml(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as fh:
        return yaml.load(fh, Loader=_Loader)  # noqa: S506 - a safe loader without timestamps


@dataclass
class _Request:
    """The parts of a request openapi-core needs to find the operation (on Xero's own host)."""

    method: str
    path: str
    query: Mapping[str, str]
    host_url: str = "https://api.xero.com"
    body: bytes | None = None
    content_type: str = "application/json"
    parameters: RequestParameters = field(init=False)

    def __post_init__(self) -> None:
        self.parameters = RequestParameters(query=ImmutableMultiDict(list(self.query.items())),
                                            header=Headers({"xero-tenant-id": "x"}))


@dataclass
class _Response:
    status_code: int
    data: bytes
    content_type: str
    headers: Headers


def _walk(value: Any, key: str = "") -> Iterator[tuple[str, Any]]:
    if isinstance(value, dict):
        for k, v in value.items():
            yield k, v
            yield from _walk(v, k)
    elif isinstance(value, list):
        for v in value:
            yield from _walk(v, key)


class SpecError(AssertionError):
    pass


class SpecChecker:
    def __init__(self) -> None:
        accounting = load_yaml(SPEC_DIR / "xero_accounting.yaml")
        identity = load_yaml(SPEC_DIR / "xero-identity.yaml")
        self.accounting_spec = accounting
        self.accounting = OpenAPI.from_dict(accounting, config=Config(spec_validator_cls=None))
        self.error_schema = OAS30Validator({"components": accounting["components"],
                                            "$ref": "#/components/schemas/Error"})
        self.token_schema = OAS30Validator({"components": identity["components"],
                                            "$ref": "#/components/schemas/AccessToken"})
        # Connections: the schema says format date-time, but Xero (and the spec's own example) send
        # "2019-12-07T18:46:19.5165400" without a zone (fact sheet §5): formats are checked by hand below
        self.connections_schema = OAS30Validator({"components": identity["components"], "type": "array",
                                                  "items": {"$ref": "#/components/schemas/Connection"}})
        self.webhook_schema = load_yaml(SPEC_DIR / "xero-webhooks.yaml")["components"]["schemas"]
        # every property the spec marks as a .NET date: those values must be /Date(...)/ strings
        self.operations = [
            (re.compile("^" + re.sub(r"\\{[^}]+\\}", "[^/]+", re.escape(template)) + "$", re.IGNORECASE), ops)
            for template, ops in accounting["paths"].items()
        ]
        self.date_keys = {
            name for schema in accounting["components"]["schemas"].values()
            for name, prop in (schema.get("properties") or {}).items()
            if isinstance(prop, dict) and (prop.get("x-is-msdate") or prop.get("x-is-msdate-time"))
        } | {"DateTimeUTC"}
        self.checked = 0

    # --- entry point ------------------------------------------------------------------------------------------------
    def check(self, method: str, url: str, status: int, headers: Mapping[str, str], body: bytes,
              base_url: str, token_url: str) -> None:
        parts = urlsplit(url)
        path = parts.path
        if "/_sandbox/" in path:
            return
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        content_type = headers.get("content-type", "")
        api_prefix = urlsplit(base_url).path
        try:
            if url.startswith(token_url):
                self._token(status, body)
            elif path.lower().startswith("/connections"):
                self._connections(method, path, query, status, headers, body, content_type)
            elif path.startswith(api_prefix):
                self._accounting(method, path, query, status, headers, body, content_type)
            else:
                return
        except SpecError:
            raise
        except Exception as exc:  # openapi-core's validation errors carry the details
            raise SpecError(f"{method} {path} -> {status}: {exc}\n{body[:2000]!r}") from exc
        self.checked += 1

    # --- the Accounting API -----------------------------------------------------------------------------------------
    def _accounting(self, method: str, path: str, query: dict[str, str], status: int, headers: Mapping[str, str],
                    body: bytes, content_type: str) -> None:
        if status not in (401, 403) and status < 500:  # 5xx come from before the limits (outage, gateway)
            missing = [h for h in LIMIT_HEADERS if h not in headers]
            if missing:
                raise SpecError(f"{method} {path} -> {status}: no {missing} headers")
        if status in (401, 403, 413):
            self._problem(status, body, content_type)
            return
        if status == 404:
            self._not_found(body, content_type)
            return
        if status == 429:
            self._too_many(headers)
            return
        if status == 204:
            if body or "204" not in self._operation(method, path).get("responses", {}):
                raise SpecError(f"{method} {path} -> 204 where the spec declares none, or with a body {body[:80]!r}")
            return
        if "application/json" not in content_type:
            if status < 400:
                declared = self._operation(method, path).get("responses", {}).get(str(status), {})
                if "application/octet-stream" not in (declared.get("content") or {}):
                    raise SpecError(f"{method} {path} -> {status}: a {content_type!r} body where JSON was due")
                if not content_type:
                    raise SpecError(f"{method} {path} -> {status}: a file without a Content-Type")
            return  # 405/406/5xx answers are plain text
        data = json.loads(body)
        self._dates(data)
        request = _Request(method.lower(), path, query)
        response = _Response(status, body, content_type.split(";")[0], Headers(dict(headers)))
        try:
            self.accounting.validate_response(request, response)
        except ResponseNotFound:
            if status != 400:
                raise
            errors = sorted(self.error_schema.iter_errors(data), key=str)
            if errors:
                raise SpecError(f"{method} {path} -> 400 is not an Error: {errors[0].message}") from None
        if status == 200 and isinstance(data, dict) and self._enveloped(method, path):
            self._envelope(data)

    def _operation(self, method: str, path: str) -> dict[str, Any]:
        """The spec's operation for a request path (templates matched without case, literal segments first)."""
        local = path.split("/api.xro/2.0", 1)[-1]
        found = [(pattern.pattern.count("[^/]+"), ops) for pattern, ops in self.operations if pattern.match(local)]
        for _, ops in sorted(found, key=lambda f: f[0]):
            if method.lower() in ops:
                return ops[method.lower()]
        raise SpecError(f"{method} {path}: no such operation in the spec")

    def _enveloped(self, method: str, path: str) -> bool:
        schema = self._operation(method, path)["responses"].get("200", {}).get("content", {}).get(
            "application/json", {}).get("schema", {})
        if "$ref" not in schema:
            return True  # History answers declare no content; they are enveloped all the same
        name = str(schema["$ref"]).rsplit("/", 1)[-1]
        return bool(self.accounting_spec["components"]["schemas"].get(name, {}).get("x-objectArrayKey"))

    @staticmethod
    def _envelope(data: dict[str, Any]) -> None:
        for key in ("Id", "Status", "ProviderName", "DateTimeUTC"):
            if key not in data:
                raise SpecError(f"the envelope lacks {key}: {list(data)[:8]}")
        if data["Status"] != "OK" or not MS_DATE.match(data["DateTimeUTC"]):
            raise SpecError(f"bad envelope: Status={data['Status']!r} DateTimeUTC={data['DateTimeUTC']!r}")

    def _dates(self, data: Any) -> None:
        for key, value in _walk(data):
            if isinstance(value, str) and (value.startswith("/Date(") or key in self.date_keys):
                if not MS_DATE.match(value):
                    raise SpecError(f"{key}={value!r} is not a /Date(ms+0000)/ value")

    @staticmethod
    def _problem(status: int, body: bytes, content_type: str) -> None:
        data = json.loads(body)
        title = {401: "Unauthorized", 403: "Forbidden", 413: "RequestEntityTooLarge"}[status]
        if "application/json" not in content_type or data.get("Status") != status or data.get("Title") != title \
                or not data.get("Detail") or "Instance" not in data:
            raise SpecError(f"{status} is not Xero's problem details: {data}")

    @staticmethod
    def _not_found(body: bytes, content_type: str) -> None:
        if not content_type.startswith("text/plain") or body.decode() != NOT_FOUND_TEXT:
            raise SpecError(f"404 must be plain text {NOT_FOUND_TEXT!r}, got {content_type} {body[:100]!r}")

    @staticmethod
    def _too_many(headers: Mapping[str, str]) -> None:
        problem = headers.get("X-Rate-Limit-Problem")
        if problem not in ("minute", "day", "concurrent", "appminute") or not (headers.get("Retry-After") or
                                                                               "").isdigit():
            raise SpecError(f"429 without Retry-After / X-Rate-Limit-Problem: {dict(headers)}")

    # --- identity ---------------------------------------------------------------------------------------------------
    def _connections(self, method: str, path: str, query: dict[str, str], status: int, headers: Mapping[str, str],
                     body: bytes, content_type: str) -> None:
        if status == 401:
            self._problem(status, body, content_type)
            return
        if status == 404:
            self._not_found(body, content_type)
            return
        if status == 429:
            self._too_many(headers)
        if "X-AppMinLimit-Remaining" not in headers or "X-MinLimit-Remaining" in headers:
            raise SpecError(f"/connections must carry only X-AppMinLimit-Remaining: {dict(headers)}")
        if status == 429:
            return
        if method == "DELETE":
            if status != 204 or body:
                raise SpecError(f"DELETE {path} -> {status} {body[:100]!r}: Xero answers 204 with no content")
            return
        data = json.loads(body)
        errors = list(self.connections_schema.iter_errors(data))
        if errors:
            raise SpecError(f"GET {path}: {errors[0].message}")
        for row in data:
            for key in ("id", "tenantId", "authEventId"):
                uuid.UUID(row[key])
            for key in ("createdDateUtc", "updatedDateUtc"):
                if not DOTNET_UTC.match(row[key]):
                    raise SpecError(f"{key}={row[key]!r} is not Xero's 2020-03-18T21:20:07.7179250 form")

    def _token(self, status: int, body: bytes) -> None:
        data = json.loads(body)
        if status == 200:
            errors = list(self.token_schema.iter_errors(data))
            if errors or data.get("token_type") != "Bearer" or data.get("expires_in") != 1800:
                raise SpecError(f"token response {data}: {errors[:1]}")
        elif set(data) - {"error", "error_description"} or "error" not in data:
            raise SpecError(f"token error body {data}")

    def webhook_payload(self, payload: dict[str, Any]) -> None:
        """A delivered webhook body against xero-webhooks.yaml ``WebhookEvent`` (OpenAPI 3.1: JSON Schema 2020); its
        CREDITNOTE events also against ``CreditNoteWebhookEvent`` (``data: {Type, Status}``)."""
        from jsonschema import Draft202012Validator

        def check(schema: str, body: dict[str, Any]) -> None:
            validator = Draft202012Validator({"$ref": f"#/components/schemas/{schema}",
                                              "components": {"schemas": self.webhook_schema}})
            errors = list(validator.iter_errors(body))
            if errors:
                raise SpecError(f"webhook payload ({schema}): {errors[0].message}")

        check("WebhookEvent", payload)
        notes = [e for e in payload["events"] if e["eventCategory"] == "CREDITNOTE"]
        if notes:
            check("CreditNoteWebhookEvent", {**payload, "events": notes})
