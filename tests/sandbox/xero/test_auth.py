"""OAuth and tenancy as Xero's identity service and gateway answer them (fact sheet §3, §5)."""

from __future__ import annotations

import uuid

from tests.sandbox.xero.conftest import Factory


def test_refresh_token_rotates_and_the_previous_one_has_30_minutes_grace(xero_factory: Factory) -> None:
    xero = xero_factory(login=False)
    printed = xero.refresh_token

    first = xero.token()
    assert first.status_code == 200
    body = first.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 1800
    assert body["id_token"].count(".") == 2 and "offline_access" in body["scope"].split()
    rotated = body["refresh_token"]
    assert rotated != printed

    # the response was "lost": the previous token still works inside the grace period and names the same successor
    again = xero.token(printed)
    assert again.status_code == 200 and again.json()["refresh_token"] == rotated

    xero.control("POST", "clock", json={"advance": 1801})
    late = xero.token(printed)
    assert late.status_code == 400 and late.json()["error"] == "invalid_grant"

    newest = xero.token(rotated)
    assert newest.status_code == 200 and newest.json()["refresh_token"] not in (printed, rotated)
    assert xero.token("not-a-token").json() == {"error": "invalid_grant"}


def test_token_endpoint_client_authentication_and_grants(xero_factory: Factory) -> None:
    xero = xero_factory(login=False)
    info = xero.info
    # client credentials in the form body instead of HTTP Basic ([XP] cassette)
    in_form = xero.http.post(info["token_url"], data={
        "grant_type": "refresh_token", "refresh_token": xero.refresh_token, "client_id": info["client_id"],
        "client_secret": info["client_secret"]})
    assert in_form.status_code == 200
    bad_secret = xero.http.post(info["token_url"], data={"grant_type": "refresh_token",
                                                         "refresh_token": in_form.json()["refresh_token"]},
                                auth=(info["client_id"], "wrong"))
    assert bad_secret.status_code == 401 and bad_secret.json()["error"] == "invalid_client"
    unsupported = xero.token(grant_type="password")
    assert unsupported.status_code == 400 and unsupported.json()["error"] == "unsupported_grant_type"
    # asking for a scope never granted fails without spending the token (fact sheet §8.1)
    widened = xero.token(in_form.json()["refresh_token"], scope="accounting.transactions payroll.employees")
    assert widened.status_code == 400 and widened.json()["error"] == "invalid_grant"
    assert xero.token(in_form.json()["refresh_token"]).status_code == 200


def test_client_credentials_token_needs_no_tenant_header(xero_factory: Factory) -> None:
    xero = xero_factory()
    grant = xero.token(grant_type="client_credentials")
    assert grant.status_code == 200
    body = grant.json()
    assert "refresh_token" not in body and body["expires_in"] == 1800
    custom = xero.get("Organisation", headers={"Authorization": f"Bearer {body['access_token']}",
                                               "xero-tenant-id": None})  # type: ignore[dict-item]
    assert custom.status_code == 200
    assert custom.json()["Organisations"][0]["OrganisationID"] == xero.tenant_id

    # a token from the refresh-token flow must name the tenant
    missing = xero.get("Contacts", headers={"xero-tenant-id": None})  # type: ignore[dict-item]
    assert missing.status_code == 403 and missing.json()["Detail"] == "AuthenticationUnsuccessful"


def test_connections_list_and_disconnect(xero_factory: Factory) -> None:
    xero = xero_factory()
    url = xero.info["connections_url"]
    auth = {"Authorization": f"Bearer {xero.access_token}"}
    listed = xero.http.get(url, headers=auth)
    assert listed.status_code == 200
    [conn] = listed.json()
    assert conn["tenantId"] == xero.tenant_id and conn["tenantType"] == "ORGANISATION"
    assert conn["tenantName"] == "Harbour & Finch Ltd"
    assert len(conn["createdDateUtc"].split(".")[1]) == 7 and not conn["createdDateUtc"].endswith("Z")
    assert xero.http.get(url, headers={}).status_code == 401

    assert xero.http.delete(f"{url}/{uuid.uuid4()}", headers=auth).status_code == 404
    assert xero.http.delete(f"{url}/{conn['id']}", headers=auth).status_code == 204
    assert xero.http.get(url, headers=auth).json() == []
    # a stale tenant id after disconnecting: 403 AuthenticationUnsuccessful (fact sheet §8.12)
    assert xero.get("Contacts").status_code == 403

    xero.control("POST", "reconnect")
    assert xero.get("Contacts").status_code == 200
    assert xero.http.get(url, headers=auth).json()[0]["id"] != conn["id"]


def test_unauthorised_and_forbidden_answers(xero_factory: Factory) -> None:
    xero = xero_factory()
    none = xero.get("Invoices", headers={"Authorization": None})  # type: ignore[dict-item]
    assert none.status_code == 401 and none.json()["Detail"] == "AuthenticationUnsuccessful"
    garbage = xero.get("Invoices", headers={"Authorization": "Bearer nonsense"})
    assert garbage.status_code == 401
    stranger = xero.get("Invoices", headers={"xero-tenant-id": str(uuid.uuid4())})
    assert stranger.status_code == 403 and stranger.json()["Title"] == "Forbidden"

    assert xero.get("Invoices").status_code == 200
    xero.control("POST", "tokens/expire")
    expired = xero.get("Invoices")
    assert expired.status_code == 401
    assert expired.json()["Detail"].startswith("TokenExpired: token expired at ")
    xero.login()
    assert xero.get("Invoices").status_code == 200

    # the access token lives 30 minutes
    xero.control("POST", "clock", json={"advance": 1799})
    assert xero.get("Invoices").status_code == 200
    xero.control("POST", "clock", json={"advance": 2})
    assert xero.get("Invoices").status_code == 401
