"""Name lists and reference entities: Item writes, Class, Department, Term, Account, TaxCode/TaxRate,
CompanyInfo, Preferences, CompanyCurrency and the currencies a document may use (fact sheet §1.2)."""

from __future__ import annotations

from sandbox.seed import reference
from tests.sandbox.quickbooks.conftest import QBApi, unique


def test_item_create_read_query_update_and_deactivate(qb: QBApi) -> None:
    name = unique("Retainer")
    item = qb.create("Item", {"Name": name, "Type": "Service", "Sku": "RET-1", "UnitPrice": "750.00",
                              "IncomeAccountRef": {"value": "79"}, "ExpenseAccountRef": {"value": "81"},
                              "SalesTaxCodeRef": {"value": "2"}, "FullyQualifiedName": "ignored"})
    assert item["FullyQualifiedName"] == name and item["Active"] is True and item["TrackQtyOnHand"] is False
    assert item["IncomeAccountRef"] == {"value": "79", "name": "Sales"} and item["UnitPrice"] == 750.0
    assert qb.read("Item", item["Id"]) == item
    assert [r["Id"] for r in qb.rows("SELECT * FROM Item WHERE Sku = 'RET-1'", "Item")] == [item["Id"]]
    sparse = qb.post("item", {"Id": item["Id"], "SyncToken": "0", "sparse": True, "UnitPrice": 800}).json()["Item"]
    assert sparse["UnitPrice"] == 800.0 and sparse["Sku"] == "RET-1"
    full = qb.post("item", {"Id": item["Id"], "SyncToken": "1", "Name": name, "Type": "NonInventory",
                            "IncomeAccountRef": {"value": "80"}}).json()["Item"]
    assert full["Type"] == "NonInventory" and "Sku" not in full and "ExpenseAccountRef" not in full
    inactive = qb.post("item", {"Id": item["Id"], "SyncToken": "2", "sparse": True, "Active": False})
    assert inactive.json()["Item"]["Active"] is False
    assert qb.rows(f"SELECT * FROM Item WHERE Id = '{item['Id']}'", "Item") == []  # Active=true by default
    assert qb.rows(f"SELECT * FROM Item WHERE Id = '{item['Id']}' AND Active = false", "Item")[0]["Id"] == item["Id"]
    # an inactive item keeps its name, and may not go on a new invoice
    fault = qb.refused(qb.post("item", {"Name": name.upper(), "Type": "Service",
                                        "IncomeAccountRef": {"value": "79"}}), "6240")
    assert "product or service" in fault["Detail"]
    customer = qb.customer()
    line = {"Amount": 1, "DetailType": "SalesItemLineDetail", "SalesItemLineDetail": {"ItemRef": {"value": item["Id"]}}}
    qb.refused(qb.post("invoice", {"CustomerRef": {"value": customer["Id"]}, "Line": [line]}), "610")
    assert qb.post("item", {"Id": item["Id"], "SyncToken": "0"}, operation="delete").status_code == 400


def test_item_rules_per_type(qb: QBApi) -> None:
    cases = [
        ({"Type": "Service", "IncomeAccountRef": {"value": "79"}}, "2020"),  # no Name
        ({"Name": unique("I"), "IncomeAccountRef": {"value": "79"}}, "2020"),  # no Type
        ({"Name": unique("I"), "Type": "Service"}, "2020"),  # no income account
        ({"Name": unique("I"), "Type": "Service", "IncomeAccountRef": {"value": "83"}}, "6000"),  # an expense one
        ({"Name": unique("I"), "Type": "Service", "IncomeAccountRef": {"value": "79"},
          "ExpenseAccountRef": {"value": "35"}}, "6000"),
        ({"Name": unique("I"), "Type": "Service", "IncomeAccountRef": {"value": "999"}}, "2500"),
        ({"Name": unique("I"), "Type": "Group", "IncomeAccountRef": {"value": "79"}}, "6000"),
        ({"Name": unique("I"), "Type": "Gadget", "IncomeAccountRef": {"value": "79"}}, "2170"),
        ({"Name": "A:B", "Type": "Service", "IncomeAccountRef": {"value": "79"}}, "6000"),
        ({"Name": unique("I"), "Type": "Inventory", "IncomeAccountRef": {"value": "79"},
          "ExpenseAccountRef": {"value": "81"}, "AssetAccountRef": {"value": "39"}, "TrackQtyOnHand": True}, "2020"),
    ]
    for body, code in cases:
        qb.refused(qb.post("item", body), code)
    stock = qb.create("Item", {"Name": unique("Sketchbook"), "Type": "Inventory", "IncomeAccountRef": {"value": "80"},
                               "ExpenseAccountRef": {"value": "81"}, "AssetAccountRef": {"value": "39"},
                               "TrackQtyOnHand": True, "QtyOnHand": 40, "InvStartDate": "2026-01-01"})
    assert stock["QtyOnHand"] == 40.0 and stock["AssetAccountRef"]["name"] == "Inventory Asset"


def test_class_department_and_term_lists(qb: QBApi) -> None:
    classes = qb.rows("SELECT * FROM Class", "Class")
    seeded = {o.qb_class_id: o.name for c in reference.TRACKING for o in c.options if o.qb_class_id}
    assert {c["Id"]: c["Name"] for c in classes} == seeded
    assert all(c["FullyQualifiedName"] == c["Name"] and c["SubClass"] is False for c in classes)
    created = qb.create("Class", {"Name": unique("Scotland")})
    assert int(created["Id"]) > max(int(i) for i in seeded)
    qb.refused(qb.post("class", {"Name": created["Name"]}), "6240")
    qb.post("class", {"Id": created["Id"], "SyncToken": "0", "sparse": True, "Active": False})
    assert created["Id"] not in {c["Id"] for c in qb.rows("SELECT * FROM Class", "Class")}
    departments = qb.rows("SELECT * FROM Department", "Department")
    assert {d["Id"]: d["Name"] for d in departments} == {o.qb_department_id: o.name for c in reference.TRACKING
                                                         for o in c.options if o.qb_department_id}
    assert [d["Name"] for d in departments] == ["Bristol studio", "Cardiff studio"]
    shop = qb.create("Department", {"Name": unique("Leeds shop")})
    assert shop["SubDepartment"] is False and qb.read("Department", shop["Id"])["Name"] == shop["Name"]
    terms = {t["Name"]: t for t in qb.rows("SELECT * FROM Term", "Term")}
    assert terms["Net 30"]["DueDays"] == 30 and terms["Net 15"]["Type"] == "STANDARD"
    assert qb.read("Term", terms["Net 30"]["Id"])["Name"] == "Net 30"
    net7 = qb.create("Term", {"Name": unique("Net 7"), "DueDays": 7})
    qb.refused(qb.post("term", {"Name": unique("Vague")}), "2020")
    customer = qb.customer(SalesTermRef={"value": net7["Id"]})
    invoice = qb.invoice(customer["Id"], TxnDate="2026-05-01")
    assert invoice["DueDate"] == "2026-05-08"


def test_accounts_tax_codes_and_company(qb: QBApi) -> None:
    banks = qb.rows("SELECT * FROM Account WHERE AccountType = 'Bank' ORDERBY Name", "Account")
    assert [a["Name"] for a in banks] == ["Business Bank Account", "Business Savings Account", "USD Bank Account"]
    funds = qb.rows("SELECT * FROM Account WHERE AccountSubType = 'UndepositedFunds'", "Account")
    assert [f["Name"] for f in funds] == ["Undeposited Funds"]
    created = qb.create("Account", {"Name": unique("Petty Cash"), "AccountSubType": "CashOnHand"})
    assert created["AccountType"] == "Bank" and created["Classification"] == "Asset"
    assert created["CurrentBalance"] == 0 and created["CurrencyRef"]["value"] == "GBP"
    qb.refused(qb.post("account", {"Name": unique("No type")}), "6010")
    qb.refused(qb.post("account", {"Name": created["Name"], "AccountType": "Expense"}), "6240")
    assert qb.read("TaxCode", "4")["Name"] == "5.0% R"
    assert qb.read("TaxRate", "8")["RateValue"] == 5.0
    assert qb.post("taxcode", {"Name": "New"}).status_code == 400  # TaxCodes are made through taxservice
    info = qb.get(f"companyinfo/{qb.info['realm_id']}").json()["CompanyInfo"]
    assert info["CompanyName"] == reference.ORGANISATION_NAME and info["Country"] == "GB"
    assert qb.rows("SELECT * FROM CompanyInfo", "CompanyInfo")[0]["CompanyName"] == reference.ORGANISATION_NAME
    prefs = qb.rows("SELECT * FROM Preferences", "Preferences")[0]
    assert prefs["CurrencyPrefs"] == {"MultiCurrencyEnabled": True,
                                      "HomeCurrency": {"value": "GBP"}}
    assert prefs["AccountingInfoPrefs"]["ClassTrackingPerTxnLine"] is True


def test_company_currencies_decide_what_documents_may_use(qb: QBApi) -> None:
    currencies = qb.rows("SELECT * FROM CompanyCurrency WHERE Active IN (true, false)", "CompanyCurrency")
    assert [(c["Code"], c["Name"], c["Active"]) for c in currencies] == [("USD", "United States Dollar", True)]
    customer = qb.customer(CurrencyRef={"value": "USD"})
    qb.refused(qb.post("customer", {"DisplayName": unique("Euro Ltd"), "CurrencyRef": {"value": "EUR"}}), "6000")
    qb.refused(qb.post("invoice", {"CustomerRef": {"value": customer["Id"]}, "CurrencyRef": {"value": "EUR"},
                                   "Line": [{"Amount": 1, "DetailType": "SalesItemLineDetail",
                                             "SalesItemLineDetail": {"ItemRef": {"value": "3"}}}]}), "6000")
    qb.refused(qb.post("companycurrency", {"Code": "GBP"}), "6000")
    qb.refused(qb.post("companycurrency", {"Code": "XYZ"}), "2500")
    euro = qb.create("CompanyCurrency", {"Code": "EUR"})
    assert euro["Name"] == "Euro" and euro["Active"] is True
    qb.refused(qb.post("companycurrency", {"Code": "EUR"}), "6240")
    client = qb.customer(CurrencyRef={"value": "EUR"})
    invoice = qb.invoice(client["Id"], "10.00", CurrencyRef={"value": "EUR"}, ExchangeRate="0.85")
    assert invoice["CurrencyRef"]["value"] == "EUR" and invoice["HomeTotalAmt"] == 10.2
    qb.post("companycurrency", {"Id": euro["Id"], "SyncToken": "0", "sparse": True, "Active": False})
    # not one of the lists a query filters to Active=true unless asked (fact sheet §2.1)
    assert {c["Code"]: c["Active"] for c in qb.rows("SELECT * FROM CompanyCurrency", "CompanyCurrency")} == {
        "USD": True, "EUR": False}
    qb.refused(qb.post("customer", {"DisplayName": unique("Euro again"), "CurrencyRef": {"value": "EUR"}}), "6000")
