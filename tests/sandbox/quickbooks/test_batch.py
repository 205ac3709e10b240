"""Batch (fact sheet §3): up to 30 items, per-item results matched by bId, create/update/delete/void and queries,
HTTP 200 with per-item Faults, not atomic."""

from __future__ import annotations

from tests.sandbox.quickbooks.conftest import QBApi, unique


def test_mixed_batch_with_a_failing_item(qb: QBApi) -> None:
    customer = qb.customer()
    doomed = qb.invoice(customer["Id"])
    voidable = qb.invoice(customer["Id"])
    taken = qb.customer()["DisplayName"]
    new_name = unique("Batch Buyer")
    body = {"BatchItemRequest": [
        {"bId": "c1", "operation": "create", "Customer": {"DisplayName": new_name}},
        {"bId": "dup", "operation": "create", "Customer": {"DisplayName": taken}},
        {"bId": "u1", "operation": "update", "Customer": {"Id": customer["Id"], "SyncToken": "0", "sparse": True,
                                                          "Notes": "batched"}},
        {"bId": "d1", "operation": "delete", "Invoice": {"Id": doomed["Id"], "SyncToken": "0"}},
        {"bId": "v1", "operation": "update", "optionsData": "void",
         "Invoice": {"Id": voidable["Id"], "SyncToken": "0"}},
        {"bId": "q1", "Query": f"SELECT * FROM Customer WHERE Id = '{customer['Id']}'"},
        {"bId": "bad", "operation": "create", "Invoice": {"Line": []}},
    ]}
    response = qb.post("batch", body)
    assert response.status_code == 200
    items = {item["bId"]: item for item in response.json()["BatchItemResponse"]}
    assert set(items) == {"c1", "dup", "u1", "d1", "v1", "q1", "bad"}
    assert items["c1"]["Customer"]["DisplayName"] == new_name
    assert items["dup"]["Fault"]["Error"][0]["code"] == "6240" and "Customer" not in items["dup"]
    assert items["u1"]["Customer"]["Notes"] == "batched"
    assert items["d1"]["Invoice"] == {"status": "Deleted", "domain": "QBO", "Id": doomed["Id"]}
    assert items["v1"]["Invoice"]["TotalAmt"] == 0
    assert items["q1"]["QueryResponse"]["Customer"][0]["Id"] == customer["Id"]
    assert items["bad"]["Fault"]["Error"][0]["code"] == "2020"
    # not atomic: the successes stay although other items failed
    assert qb.rows(f"SELECT * FROM Customer WHERE DisplayName = '{new_name}'", "Customer")


def test_more_than_30_items_is_refused_whole(qb: QBApi) -> None:
    names = [unique("Too Many") for _ in range(31)]
    body = {"BatchItemRequest": [{"bId": f"b{i}", "operation": "create", "Customer": {"DisplayName": n}}
                                 for i, n in enumerate(names)]}
    response = qb.post("batch", body)
    assert response.status_code == 400 and qb.fault(response)["code"] == "1040"
    assert qb.rows(f"SELECT * FROM Customer WHERE DisplayName = '{names[0]}'", "Customer") == []
    body["BatchItemRequest"].pop()
    answer = qb.post("batch", body).json()["BatchItemResponse"]
    assert len(answer) == 30 and all("Customer" in item for item in answer)


def test_batch_item_errors(qb: QBApi) -> None:
    body = {"BatchItemRequest": [
        {"bId": "6f1c4a52-3b1e-4d8e-9a57-0c2f9e1d7b10", "operation": "create",
         "Customer": {"DisplayName": unique("Long bId")}},
        {"operation": "create", "Customer": {"DisplayName": unique("No bId")}},
        {"bId": "q", "Query": "SELECT * FROM Customer WHERE a = 1 OR b = 2"},
        {"bId": "cdc", "CDCQuery": {"Entities": "Customer", "ChangedSince": "2000-01-01"}},
    ]}
    items = {i["bId"]: i for i in qb.post("batch", body).json()["BatchItemResponse"]}
    assert "Customer" in items["6f1c4a52-3b1e-4d8e-9a57-0c2f9e1d7b10"]  # python-quickbooks sends uuid4 bIds
    assert items[""]["Fault"]["Error"][0]["code"] == "2020"
    assert items["q"]["Fault"]["Error"][0]["code"] == "4000"
    assert "older than fixed days" in items["cdc"]["Fault"]["Error"][0]["Message"]
