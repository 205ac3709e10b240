"""Create, read, full and sparse update, SyncToken, void and delete; the Fault shapes of the usual errors
(fact sheet §1, §3)."""

from __future__ import annotations

from decimal import Decimal

from tests.sandbox.quickbooks.conftest import QBApi, unique

COMPANY_FIELDS = {"domain", "sparse", "Id", "SyncToken", "MetaData"}


def test_customer_create_read_and_envelope(qb: QBApi) -> None:
    name = unique("Cobalt Ltd")
    response = qb.post("customer", {"DisplayName": name, "CompanyName": name, "GivenName": "Ada",
                                    "FamilyName": "Byron", "PrimaryEmailAddr": {"Address": "ada@cobalt.test"},
                                    "PrimaryPhone": {"FreeFormNumber": "0117 496 0000"},
                                    "BillAddr": {"Line1": "1 Quay", "City": "Bristol", "PostalCode": "BS1 1AA"},
                                    "PrimaryTaxIdentifier": "GB123456789", "Balance": 5})
    assert response.status_code == 200
    assert response.headers["intuit_tid"] and response.headers["QBO-Version"]
    body = response.json()
    assert set(body) == {"Customer", "time"}
    customer = body["Customer"]
    assert COMPANY_FIELDS <= set(customer)
    assert customer["domain"] == "QBO" and customer["sparse"] is False and customer["SyncToken"] == "0"
    assert customer["Balance"] == 0  # read-only fields sent are ignored
    assert customer["FullyQualifiedName"] == name and customer["Active"] is True
    assert customer["CurrencyRef"] == {"value": "GBP", "name": "British Pound Sterling"}
    assert customer["MetaData"]["CreateTime"][-6:] in ("-07:00", "-08:00")
    assert qb.get(f"customer/{customer['Id']}").json()["Customer"] == customer


def test_full_update_nulls_omitted_fields_and_sparse_keeps_them(qb: QBApi) -> None:
    customer = qb.customer(GivenName="Grace", PrimaryEmailAddr={"Address": "g@x.test"})
    sparse = qb.post("customer", {"Id": customer["Id"], "SyncToken": "0", "sparse": True,
                                  "FamilyName": "Hopper"}).json()["Customer"]
    assert sparse["SyncToken"] == "1"
    assert sparse["GivenName"] == "Grace" and sparse["FamilyName"] == "Hopper"
    assert sparse["PrimaryEmailAddr"] == {"Address": "g@x.test"}
    full = qb.post("customer", {"Id": customer["Id"], "SyncToken": "1",
                                "DisplayName": customer["DisplayName"]}).json()["Customer"]
    assert full["SyncToken"] == "2"
    assert "GivenName" not in full and "PrimaryEmailAddr" not in full and "FamilyName" not in full


def test_stale_sync_token_is_5010(qb: QBApi) -> None:
    customer = qb.customer()
    qb.post("customer", {"Id": customer["Id"], "SyncToken": "0", "sparse": True, "Notes": "first"})
    response = qb.post("customer", {"Id": customer["Id"], "SyncToken": "0", "sparse": True, "Notes": "second"})
    assert response.status_code == 400
    fault = qb.fault(response)
    assert fault["code"] == "5010" and fault["Message"] == "Stale Object Error" and fault["type"] == "ValidationFault"
    assert qb.get(f"customer/{customer['Id']}").json()["Customer"]["Notes"] == "first"


def test_duplicate_display_name_across_customers_and_vendors_even_inactive(qb: QBApi) -> None:
    name = unique("Twin Co")
    customer = qb.customer(name)
    qb.post("customer", {"Id": customer["Id"], "SyncToken": "0", "sparse": True, "Active": False})
    for entity, candidate in (("customer", name), ("vendor", name), ("vendor", f"  {name.upper()} ")):
        response = qb.post(entity, {"DisplayName": candidate})
        assert response.status_code == 400, candidate
        fault = qb.fault(response)
        assert fault["code"] == "6240" and fault["Message"] == "Duplicate Name Exists Error"
        assert fault["element"] == ""


def test_customers_are_deactivated_not_deleted(qb: QBApi) -> None:
    customer = qb.customer()
    response = qb.post("customer", {"Id": customer["Id"], "SyncToken": "0"}, operation="delete")
    assert response.status_code == 400 and qb.fault(response)["code"] == "500"
    inactive = qb.post("customer", {"Id": customer["Id"], "SyncToken": "0", "sparse": True, "Active": False})
    assert inactive.json()["Customer"]["Active"] is False


def test_invoice_totals_tax_and_defaults(qb: QBApi) -> None:
    customer = qb.customer(PrimaryEmailAddr={"Address": "pay@x.test"})
    invoice = qb.create("Invoice", {"CustomerRef": {"value": customer["Id"]}, "TxnDate": "2026-03-01", "Line": [
        {"Amount": 190.00, "DetailType": "SalesItemLineDetail", "Description": "Consulting",
         "SalesItemLineDetail": {"ItemRef": {"value": "3"}, "Qty": 2, "UnitPrice": 95}},
        {"Amount": "24.99", "DetailType": "SalesItemLineDetail",
         "SalesItemLineDetail": {"ItemRef": {"value": "9"}, "TaxCodeRef": {"value": "6"}}},
        {"DetailType": "DescriptionOnly", "Description": "Thank you"}]})
    lines = invoice["Line"]
    assert lines[-1] == {"Amount": 214.99, "DetailType": "SubTotalLineDetail", "SubTotalLineDetail": {}}
    assert [ln["Id"] for ln in lines[:-1]] == ["1", "2", "3"]
    assert lines[0]["SalesItemLineDetail"]["TaxCodeRef"] == {"value": "2"}  # the item's default VAT code
    assert lines[0]["SalesItemLineDetail"]["ItemRef"]["name"] == "Consulting (per hour)"
    tax = invoice["TxnTaxDetail"]
    assert tax["TotalTax"] == 38.0
    standard = next(t for t in tax["TaxLine"] if t["TaxLineDetail"]["TaxRateRef"]["value"] == "4")
    assert standard["TaxLineDetail"] == {"TaxRateRef": {"value": "4"}, "PercentBased": True, "TaxPercent": 20.0,
                                         "NetAmountTaxable": 190.0}
    assert invoice["TotalAmt"] == 252.99 and invoice["Balance"] == 252.99
    assert invoice["GlobalTaxCalculation"] == "TaxExcluded"
    assert invoice["DueDate"] == "2026-03-31" and invoice["SalesTermRef"]["value"] == "3"  # Net 30 by default
    assert invoice["DocNumber"].isdigit()
    assert invoice["BillEmail"] == {"Address": "pay@x.test"}
    assert qb.get(f"customer/{customer['Id']}").json()["Customer"]["Balance"] == 252.99
    second = qb.invoice(customer["Id"])
    assert int(second["DocNumber"]) == int(invoice["DocNumber"]) + 1


def test_invoice_validation_faults(qb: QBApi) -> None:
    customer = qb.customer()
    cases = [
        ({"Line": [{"Amount": 1, "DetailType": "SalesItemLineDetail", "SalesItemLineDetail": {}}]}, "2020"),
        ({"CustomerRef": {"value": "99999"}, "Line": [{"Amount": 1, "DetailType": "SalesItemLineDetail",
                                                       "SalesItemLineDetail": {}}]}, "2500"),
        ({"CustomerRef": {"value": customer["Id"]}, "Line": [
            {"Amount": 10, "DetailType": "SalesItemLineDetail",
             "SalesItemLineDetail": {"ItemRef": {"value": "3"}, "Qty": 2, "UnitPrice": 4}}]}, "6070"),
        ({"CustomerRef": {"value": customer["Id"]}, "Colour": "blue"}, "2010"),
        ({"CustomerRef": {"value": customer["Id"]}, "GlobalTaxCalculation": "Sometimes"}, "2170"),
    ]
    for body, code in cases:
        response = qb.post("invoice", body)
        assert response.status_code == 400, (body, response.text)
        assert qb.fault(response)["code"] == code, (body, response.text)


def test_sparse_invoice_update_recomputes_and_full_update_keeps_number(qb: QBApi) -> None:
    customer = qb.customer()
    invoice = qb.invoice(customer["Id"], "100.00")
    lines = [{"Amount": 50, "DetailType": "SalesItemLineDetail",
              "SalesItemLineDetail": {"ItemRef": {"value": "3"}, "TaxCodeRef": {"value": "2"}}}]
    updated = qb.post("invoice", {"Id": invoice["Id"], "SyncToken": invoice["SyncToken"], "sparse": True,
                                  "Line": lines}).json()["Invoice"]
    assert updated["TotalAmt"] == 60.0 and updated["TxnTaxDetail"]["TotalTax"] == 10.0
    assert updated["DocNumber"] == invoice["DocNumber"] and updated["SyncToken"] == "1"


def test_void_and_delete_invoice(qb: QBApi) -> None:
    customer = qb.customer()
    invoice = qb.invoice(customer["Id"], "80.00", PrivateNote="order 7")
    void = qb.post("invoice", {"Id": invoice["Id"], "SyncToken": invoice["SyncToken"]}, operation="void")
    voided = void.json()["Invoice"]
    assert voided["TotalAmt"] == 0 and voided["Balance"] == 0 and voided["SyncToken"] == "1"
    assert voided["PrivateNote"].startswith("Voided") and voided["DocNumber"] == invoice["DocNumber"]
    assert qb.get(f"customer/{customer['Id']}").json()["Customer"]["Balance"] == 0

    other = qb.invoice(customer["Id"])
    stale = qb.post("invoice", {"Id": other["Id"], "SyncToken": "7"}, operation="delete")
    assert qb.fault(stale)["code"] == "5010"
    deleted = qb.post("invoice", {"Id": other["Id"], "SyncToken": "0"}, operation="delete")
    assert deleted.status_code == 200
    assert deleted.json()["Invoice"] == {"status": "Deleted", "domain": "QBO", "Id": other["Id"]}
    gone = qb.get(f"invoice/{other['Id']}")
    assert gone.status_code == 400 and qb.fault(gone)["code"] == "610"
    assert qb.rows(f"SELECT * FROM Invoice WHERE Id = '{other['Id']}'", "Invoice") == []


def test_bill_create_and_delete(qb: QBApi) -> None:
    vendor = qb.create("Vendor", {"DisplayName": unique("Paper Supplies"), "TaxIdentifier": "GB999"})
    bill = qb.create("Bill", {"VendorRef": {"value": vendor["Id"]}, "TxnDate": "2026-02-10", "DocNumber": "PS-1",
                              "Line": [{"Amount": "40.00", "DetailType": "AccountBasedExpenseLineDetail",
                                        "AccountBasedExpenseLineDetail": {"AccountRef": {"value": "84"},
                                                                          "TaxCodeRef": {"value": "2"}}}]})
    assert bill["TotalAmt"] == 48.0 and bill["Balance"] == 48.0
    assert bill["APAccountRef"]["value"] == "33" and bill["VendorRef"]["name"] == vendor["DisplayName"]
    assert bill["TxnTaxDetail"]["TaxLine"][0]["TaxLineDetail"]["TaxRateRef"]["value"] == "5"
    assert "SubTotalLineDetail" not in {ln["DetailType"] for ln in bill["Line"]}
    assert qb.get(f"vendor/{vendor['Id']}").json()["Vendor"]["Balance"] == 48.0
    void = qb.post("bill", {"Id": bill["Id"], "SyncToken": "0"}, operation="void")
    assert void.status_code == 400 and qb.fault(void)["code"] == "500"
    assert qb.post("bill", {"Id": bill["Id"], "SyncToken": "0"}, operation="delete").status_code == 200
    assert Decimal(str(qb.get(f"vendor/{vendor['Id']}").json()["Vendor"]["Balance"])) == 0


def test_reference_entities_are_served(qb: QBApi) -> None:
    info = qb.get(f"companyinfo/{qb.info['realm_id']}").json()["CompanyInfo"]
    assert info["CompanyName"] == "Harbour & Finch Ltd" and info["Country"] == "GB"
    prefs = qb.get("preferences").json()["Preferences"]
    assert prefs["CurrencyPrefs"]["HomeCurrency"]["value"] == "GBP"
    assert qb.get("account/79").json()["Account"]["Name"] == "Sales"
    assert qb.get("taxcode/2").json()["TaxCode"]["SalesTaxRateList"]["TaxRateDetail"][0]["TaxRateRef"]["value"] == "4"
    assert qb.get("taxrate/4").json()["TaxRate"]["RateValue"] == 20.0
    assert qb.get("item/3").json()["Item"]["Sku"] == "CONSULT-HR"
    assert qb.post("account", {"Name": "New"}).status_code == 400
    assert qb.fault(qb.get("widget/1"))["code"] == "500"
