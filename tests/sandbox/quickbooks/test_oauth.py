"""OAuth 2.0 as Intuit runs it (fact sheet §5): the refresh token keeps its value for about a day, then a new value
replaces it and the old one is dead at once; 401 with Fault 3200 on the API."""

from __future__ import annotations

import base64

import requests

from tests.sandbox.quickbooks.conftest import QBApi


def test_refresh_returns_the_same_token_within_a_day_then_rotates(qb_factory) -> None:
    qb: QBApi = qb_factory("--rate-limits", "off")
    first = qb.refresh_token
    again = qb.token(first)
    assert again.status_code == 200
    body = again.json()
    assert body["refresh_token"] == first
    assert body["token_type"] == "bearer" and body["expires_in"] == 3600
    assert body["x_refresh_token_expires_in"] == 8726400
    assert "x_refresh_token_hard_expires_in" not in body

    qb.control("POST", "clock", json={"advance": 25 * 3600})
    rotated = qb.token(first)
    assert rotated.status_code == 200
    second = rotated.json()["refresh_token"]
    assert second != first
    dead = qb.token(first)
    assert dead.status_code == 400 and dead.json()["error"] == "invalid_grant"
    assert qb.token(second).json()["refresh_token"] == second


def test_hard_expiry_only_on_request(qb_factory) -> None:
    qb: QBApi = qb_factory("--rate-limits", "off")
    body = qb.token(**{"x-include-refresh-token-hard-expires-in": "true"}).json()
    assert 5 * 365 * 86400 - 60 < body["x_refresh_token_hard_expires_in"] <= 5 * 365 * 86400


def test_bad_client_and_unknown_token(qb: QBApi) -> None:
    info = qb.info
    wrong = requests.post(info["token_url"], auth=(info["client_id"], "nope"),
                          data={"grant_type": "refresh_token", "refresh_token": qb.refresh_token}, timeout=10)
    assert wrong.status_code == 401 and wrong.json()["error"] == "invalid_client"
    unknown = qb.token("not-a-token")
    assert unknown.status_code == 400 and unknown.json()["error"] == "invalid_grant"


def test_api_401_fault_and_recovery(qb: QBApi) -> None:
    assert qb.get(f"companyinfo/{qb.info['realm_id']}").status_code == 200
    qb.control("POST", "tokens/expire")
    response = qb.get(f"companyinfo/{qb.info['realm_id']}")
    assert response.status_code == 401
    fault = qb.fault(response)
    assert fault["code"] == "3200" and fault["type"] == "AUTHENTICATION"
    assert "AuthenticationFailed" in fault["Message"]
    qb.authorise()
    assert qb.get(f"companyinfo/{qb.info['realm_id']}").status_code == 200
    bare = requests.get(f"{qb.company}/companyinfo/{qb.info['realm_id']}", timeout=10)
    assert bare.status_code == 401 and bare.json()["Fault"]["Error"][0]["code"] == "3200"


def test_wrong_realm_is_refused(qb: QBApi) -> None:
    other = qb.company.rsplit("/", 1)[0] + "/123456"
    response = qb.session.get(f"{other}/companyinfo/123456", timeout=10)
    assert response.status_code == 403
    assert response.json()["Fault"]["Error"][0]["code"] == "3100"


def test_discovery_document_points_at_the_sandbox(qb: QBApi) -> None:
    doc = requests.get(qb.info["discovery_url"], timeout=10).json()
    assert doc["token_endpoint"] == qb.info["token_url"]
    basic = base64.b64encode(f"{qb.info['client_id']}:{qb.info['client_secret']}".encode()).decode()
    revoke = requests.post(doc["revocation_endpoint"], json={"token": qb.refresh_token},
                           headers={"Authorization": f"Basic {basic}"}, timeout=10)
    assert revoke.status_code == 200
    assert qb.token().json()["error"] == "invalid_grant"
