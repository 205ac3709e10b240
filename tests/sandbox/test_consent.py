"""Both sandboxes' consent flow as the identity services run it (fact sheets §5): the authorize endpoint's page and
error page, codes that work once and for 5 minutes, PKCE, redirect-URI checks, refresh tokens only with
offline_access at Xero, revocation."""

from __future__ import annotations

import base64
import hashlib
import html
import re
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests

REDIRECT = "http://localhost:8765/callback"


def _challenge(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()


def authorize(box, scope: str, **extra: str) -> requests.Response:
    params = {"client_id": box.info["client_id"], "response_type": "code", "redirect_uri": REDIRECT, "scope": scope,
              "state": "s-1", **extra}
    return requests.get(box.info["authorize_url"] + "?" + urlencode(params), allow_redirects=False, timeout=30)


def consent(box, page: requests.Response, decision: str = "allow") -> dict[str, str]:
    form_id = re.search(r'name="form_id" value="([^"]+)"', page.text).group(1)
    answer = requests.post(requests.compat.urljoin(page.url, "consent"),
                           data={"form_id": form_id, "decision": decision}, allow_redirects=False, timeout=30)
    assert answer.status_code == 302
    location = answer.headers["location"]
    assert location.startswith(REDIRECT)
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


def exchange(box, code: str, **extra: str) -> requests.Response:
    return requests.post(box.info["token_url"], data={"grant_type": "authorization_code", "code": code,
                                                      "redirect_uri": REDIRECT, **extra},
                         auth=(box.info["client_id"], box.info["client_secret"]), timeout=30)


@pytest.fixture
def xero(sandbox_factory):
    return sandbox_factory("xero", "--rate-limits", "off")


@pytest.fixture
def quickbooks(sandbox_factory):
    return sandbox_factory("quickbooks", "--rate-limits", "off")


def test_xero_code_with_pkce_works_once_and_connects_the_organisation(xero):
    verifier = "v" * 50
    page = authorize(xero, "openid offline_access accounting.invoices accounting.contacts",
                     code_challenge=_challenge(verifier), code_challenge_method="S256")
    assert page.status_code == 200 and "<form" in page.text and html.escape(xero.info["tenant_name"]) in page.text
    answer = consent(xero, page)
    assert answer["state"] == "s-1"
    assert exchange(xero, answer["code"], code_verifier="w" * 50).json()["error"] == "invalid_grant"
    # a failed exchange spends the code too
    assert exchange(xero, answer["code"], code_verifier=verifier).json()["error"] == "invalid_grant"

    answer = consent(xero, authorize(xero, "openid offline_access accounting.invoices",
                                     code_challenge=_challenge(verifier), code_challenge_method="S256"))
    tokens = exchange(xero, answer["code"], code_verifier=verifier)
    assert tokens.status_code == 200
    body = tokens.json()
    assert body["scope"] == "openid offline_access accounting.invoices" and body["refresh_token"]
    connections = requests.get(xero.info["connections_url"], timeout=30,
                               headers={"Authorization": f"Bearer {body['access_token']}"}).json()
    assert [c["tenantId"] for c in connections] == [xero.info["tenant_id"]]
    # the granted scope travels with the rotated refresh token; asking for more is refused
    wider = requests.post(xero.info["token_url"], auth=(xero.info["client_id"], xero.info["client_secret"]),
                          data={"grant_type": "refresh_token", "refresh_token": body["refresh_token"],
                                "scope": "accounting.payments"}, timeout=30)
    assert wider.json()["error"] == "invalid_grant"
    # revocation ends the token and the connection
    assert requests.post(xero.info["revoke_url"], data={"token": body["refresh_token"]}, timeout=30,
                         auth=(xero.info["client_id"], xero.info["client_secret"])).status_code == 200
    again = requests.post(xero.info["token_url"], auth=(xero.info["client_id"], xero.info["client_secret"]),
                          data={"grant_type": "refresh_token", "refresh_token": body["refresh_token"]}, timeout=30)
    assert again.json()["error"] == "invalid_grant"
    assert xero.control("GET", "consent")["connection_active"] is False


def test_xero_without_offline_access_gives_no_refresh_token_and_refuses_broad_scopes_to_new_apps(xero):
    body = exchange(xero, consent(xero, authorize(xero, "openid accounting.invoices"))["code"]).json()
    assert "access_token" in body and "refresh_token" not in body
    refused = authorize(xero, "offline_access accounting.transactions")
    assert refused.status_code == 302
    query = parse_qs(urlsplit(refused.headers["location"]).query)
    assert query["error"] == ["invalid_scope"] and query["state"] == ["s-1"]


def test_unregistered_redirect_uri_and_unknown_client_are_error_pages_never_redirects(xero, quickbooks):
    for box in (xero, quickbooks):
        wrong = authorize(box, "com.intuit.quickbooks.accounting" if box is quickbooks else "offline_access",
                          redirect_uri="http://localhost:9/elsewhere")
        assert wrong.status_code == 400 and "location" not in wrong.headers and "redirect_uri" in wrong.text
        stranger = authorize(box, "offline_access", client_id="not-our-app")
        assert stranger.status_code == 400 and "unauthorized_client" in stranger.text


def test_quickbooks_redirect_carries_the_realm_and_a_reused_code_revokes_the_first_tokens(quickbooks):
    page = authorize(quickbooks, "com.intuit.quickbooks.accounting")
    answer = consent(quickbooks, page)
    assert answer["realmId"] == quickbooks.info["realm_id"]
    first = exchange(quickbooks, answer["code"], **{})
    assert first.status_code == 200 and first.json()["x_refresh_token_expires_in"] == 8726400
    refresh = first.json()["refresh_token"]
    assert exchange(quickbooks, answer["code"]).json()["error"] == "invalid_grant"
    spent = requests.post(quickbooks.info["token_url"], data={"grant_type": "refresh_token", "refresh_token": refresh},
                          auth=(quickbooks.info["client_id"], quickbooks.info["client_secret"]), timeout=30)
    assert spent.json()["error"] == "invalid_grant"


def test_denied_consent_and_expired_codes(quickbooks):
    denied = consent(quickbooks, authorize(quickbooks, "com.intuit.quickbooks.accounting"), decision="deny")
    assert denied == {"error": "access_denied", "state": "s-1"}
    code = consent(quickbooks, authorize(quickbooks, "com.intuit.quickbooks.accounting"))["code"]
    quickbooks.control("POST", "consent", json={"expire_codes": True})  # as if 5 minutes had passed
    late = exchange(quickbooks, code)
    assert late.status_code == 400 and late.json()["error"] == "invalid_grant"
    assert "expired" in late.json()["error_description"]


def test_auto_consent_switch(sandbox_factory):
    box = sandbox_factory("quickbooks", "--rate-limits", "off", "--auto-consent", "approve",
                          "--redirect-uri", "http://localhost:9999/cb")
    response = requests.get(box.info["authorize_url"] + "?" + urlencode({
        "client_id": box.info["client_id"], "response_type": "code", "redirect_uri": "http://localhost:9999/cb",
        "scope": "com.intuit.quickbooks.accounting", "state": "x"}), allow_redirects=False, timeout=30)
    assert response.status_code == 302 and "code=" in response.headers["location"]
