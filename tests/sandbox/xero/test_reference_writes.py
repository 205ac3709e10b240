"""Items (create, create-or-update by Code, details checked, IsSold/IsPurchased, DELETE 204), tracking categories
(options, includeArchived, lines checked against them), accounts and currencies (fact sheet §1, §2.1)."""

from __future__ import annotations

import uuid

from tests.sandbox.xero.conftest import XeroClient
from xero.dates import parse_ms_date


def _code(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:6]}".upper()


def test_items_create_update_and_delete(xero: XeroClient) -> None:
    code = _code("MUG")
    made = xero.put("Items", {"Items": [{"Code": code, "Name": "Studio mug", "Description": "Glazed mug",
                                         "SalesDetails": {"UnitPrice": 12.5, "AccountCode": "260",
                                                          "TaxType": "OUTPUT2"},
                                         "PurchaseDetails": {"UnitPrice": 4.1, "AccountCode": "310",
                                                             "TaxType": "INPUT2"}}]})
    assert made.status_code == 200, made.text
    item = made.json()["Items"][0]
    assert (item["Code"], item["IsSold"], item["IsPurchased"]) == (code, True, True)
    assert item["SalesDetails"] == {"UnitPrice": 12.5, "AccountCode": "260", "TaxType": "OUTPUT2"}
    assert xero.get(f"Items/{code}").json()["Items"][0]["ItemID"] == item["ItemID"]

    again = xero.put("Items", {"Items": [{"Code": code.lower()}]}, params={"summarizeErrors": "false"})
    assert again.json()["Items"][0]["ValidationErrors"] == [
        {"Message": f"Price List Item with Code ''{code.lower()}'' already exists"}]
    # POST without an id finds the item by its Code and updates it
    xero.control("POST", "clock", json={"advance": 2})
    updated = xero.post("Items", {"Items": [{"Code": code, "Name": "Studio mug (large)", "IsPurchased": False}]})
    row = updated.json()["Items"][0]
    assert row["ItemID"] == item["ItemID"] and row["Name"] == "Studio mug (large)"
    assert row["PurchaseDetails"] == {} and "PurchaseDescription" not in row  # IsPurchased false clears them
    assert parse_ms_date(row["UpdatedDateUTC"]) > parse_ms_date(item["UpdatedDateUTC"])
    since = xero.get("Items", headers={"If-Modified-Since": row["UpdatedDateUTC"]}).json()["Items"]
    assert [i["Code"] for i in since] == [code]
    assert [i["Code"] for i in xero.get("Items", params={"where": f'Code=="{code}"'}).json()["Items"]] == [code]

    bad = xero.put("Items", {"Items": [{"Code": _code("BAD"), "SalesDetails": {"AccountCode": "999",
                                                                              "TaxType": "INPUT2",
                                                                              "UnitPrice": "lots"}},
                                       {"Name": "no code"}, {"Code": "X" * 31}]},
                   params={"summarizeErrors": "false"}).json()["Items"]
    assert [e["Message"] for e in bad[0]["ValidationErrors"]] == [
        "SalesDetails UnitPrice must be a number.", "Account code '999' is not a valid code for this document.",
        "The TaxType code INPUT2 does not exist or cannot be used for this type of transaction."]
    assert bad[1]["ValidationErrors"] == [{"Message": "Code is required for an item."}]
    assert bad[2]["ValidationErrors"] == [{"Message": "Code must not be more than 30 characters long."}]

    gone = xero.call("DELETE", f"Items/{item['ItemID']}")
    assert gone.status_code == 204 and gone.content == b""
    assert xero.get(f"Items/{item['ItemID']}").status_code == 404
    assert xero.call("DELETE", f"Items/{item['ItemID']}").status_code == 404


def test_tracking_categories_and_line_tracking(xero: XeroClient) -> None:
    listed = xero.get("TrackingCategories").json()["TrackingCategories"]
    region = next(c for c in listed if c["Name"] == "Region")
    assert {o["Name"] for o in region["Options"]} >= {"North", "South", "London"}
    assert xero.get(f"TrackingCategories/{region['TrackingCategoryID']}").json()["TrackingCategories"][0]["Name"] \
        == "Region"

    location = next(c for c in listed if c["Name"] == "Location")  # the seed's second category
    third = xero.put("TrackingCategories", {"Name": "One too many"}, params={"summarizeErrors": "false"})
    assert third.json()["TrackingCategories"][0]["ValidationErrors"] == [
        {"Message": "An organisation can have at most 2 active tracking categories."}]
    xero.post(f"TrackingCategories/{location['TrackingCategoryID']}", {"Status": "ARCHIVED"})  # frees a place
    name = f"Team {uuid.uuid4().hex[:6]}"
    made = xero.put("TrackingCategories", {"Name": name})
    assert made.status_code == 200, made.text
    team = made.json()["TrackingCategories"][0]
    option = xero.put(f"TrackingCategories/{team['TrackingCategoryID']}/Options", {"Name": "Design"})
    assert option.status_code == 200 and option.json()["Options"][0]["IsActive"] is True
    old = xero.put(f"TrackingCategories/{team['TrackingCategoryID']}/Options", {"Name": "Print"}).json()
    archived = xero.post(f"TrackingCategories/{team['TrackingCategoryID']}/Options/"
                         f"{old['Options'][0]['TrackingOptionID']}", {"Status": "ARCHIVED"})
    assert archived.json()["Options"][0]["IsArchived"] is True

    shown = next(c for c in xero.get("TrackingCategories").json()["TrackingCategories"] if c["Name"] == name)
    assert [o["Name"] for o in shown["Options"]] == ["Design"]
    everything = xero.get("TrackingCategories", params={"includeArchived": "true"}).json()["TrackingCategories"]
    assert [o["Name"] for o in next(c for c in everything if c["Name"] == name)["Options"]] == ["Design", "Print"]

    cid = xero.create_contact(f"Tracked Co {uuid.uuid4().hex[:6]}")["ContactID"]

    def line(tracking: list[dict]) -> dict:
        return {"Description": "Design day", "Quantity": 1, "UnitAmount": 100, "AccountCode": "200",
                "Tracking": tracking}

    tracked = xero.create_invoice(cid, lines=[line([{"Name": "region", "Option": "north"},
                                                    {"TrackingCategoryID": team["TrackingCategoryID"],
                                                     "TrackingOptionID": option.json()["Options"][0][
                                                         "TrackingOptionID"]}])])
    assert [(t["Name"], t["Option"]) for t in tracked["LineItems"][0]["Tracking"]] == [("Region", "North"),
                                                                                       (name, "Design")]
    refused = xero.put("Invoices", {"Invoices": [{"Type": "ACCREC", "Contact": {"ContactID": cid}, "LineItems": [
        line([{"Name": name, "Option": "Print"}]), line([{"Name": "Colour", "Option": "Red"}]),
        line([{"Name": "Region", "Option": "North"}, {"Name": "Region", "Option": "South"}])]}]},
        params={"summarizeErrors": "false"}).json()["Invoices"][0]
    assert [e["Message"] for e in refused["ValidationErrors"]] == [
        "Line item 1: the tracking option 'Print' is archived.",
        "Line item 2: the tracking category 'Colour' does not exist.",
        "Line item 3: the tracking category 'Region' is used twice."]
    # archiving the category frees a place and hides it unless includeArchived
    xero.post(f"TrackingCategories/{team['TrackingCategoryID']}", {"Status": "ARCHIVED"})
    assert name not in {c["Name"] for c in xero.get("TrackingCategories").json()["TrackingCategories"]}
    assert name in {c["Name"] for c in xero.get("TrackingCategories", params={"includeArchived": "true"}).json()[
        "TrackingCategories"]}


def test_accounts_and_currencies(xero: XeroClient) -> None:
    code = str(700 + uuid.uuid4().int % 200)
    made = xero.put("Accounts", {"Code": code, "Name": f"Workshop income {code}", "Type": "REVENUE"})
    assert made.status_code == 200, made.text
    account = made.json()["Accounts"][0]
    assert (account["Class"], account["TaxType"], account["Status"]) == ("REVENUE", "OUTPUT2", "ACTIVE")
    duplicate = xero.put("Accounts", {"Code": code, "Name": "Another", "Type": "REVENUE"},
                         params={"summarizeErrors": "false"})
    assert duplicate.json()["Accounts"][0]["ValidationErrors"] == [{"Message": "Please enter a unique Code."}]
    archived = xero.post(f"Accounts/{account['AccountID']}", {"Accounts": [{"Status": "ARCHIVED"}]})
    assert archived.json()["Accounts"][0]["Status"] == "ARCHIVED"

    # a currency not enabled is refused on every document, until it is enabled (PUT /Currencies)
    cid = xero.create_contact(f"Nordic Print {uuid.uuid4().hex[:6]}")["ContactID"]
    for resource in ("Invoices", "CreditNotes"):
        kind = "ACCREC" if resource == "Invoices" else "ACCRECCREDIT"
        refused = xero.put(resource, {resource: [{"Type": kind, "Contact": {"ContactID": cid}, "CurrencyCode": "SEK",
                                                  "LineItems": [{"Description": "x", "UnitAmount": 100,
                                                                 "AccountCode": "200"}]}]})
        assert refused.status_code == 400
        assert refused.json()["Elements"][0]["ValidationErrors"] == [
            {"Message": "The currency SEK is not enabled for this organisation."}]
    enabled = xero.put("Currencies", {"Code": "SEK", "Description": "Swedish Krona"})
    assert enabled.status_code == 200
    assert [(c["Code"], c["Description"]) for c in enabled.json()["Currencies"]] == [("SEK", "Swedish Krona")]
    assert "SEK" in [c["Code"] for c in xero.get("Currencies").json()["Currencies"]]
    sek = xero.create_invoice(cid, CurrencyCode="SEK", CurrencyRate=13.1)
    assert (sek["CurrencyCode"], sek["CurrencyRate"], sek["Total"]) == ("SEK", 13.1, 1536)
    # no rate sent: the day's rate from Xero's FX provider
    usd = xero.create_invoice(cid, CurrencyCode="USD")
    assert usd["CurrencyRate"] == 1.27
    assert xero.put("Currencies", {"Code": "SEK"}).status_code == 200  # enabling it again changes nothing
