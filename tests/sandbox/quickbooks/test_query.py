"""The query language (fact sheet §2.1): paging, WHERE on LastUpdatedTime and other fields, ORDERBY, COUNT,
the Active default, escapes, and parser / validation errors."""

from __future__ import annotations

import datetime as dt
from typing import Iterator

import pytest

from sandbox.seed import reference

from tests.sandbox.quickbooks.conftest import QBApi


def _batch_create(qb: QBApi, names: list[str]) -> list[dict]:
    created = []
    for start in range(0, len(names), 30):
        chunk = names[start:start + 30]
        body = {"BatchItemRequest": [{"bId": f"b{i}", "operation": "create", "Customer": {"DisplayName": n}}
                                     for i, n in enumerate(chunk)]}
        response = qb.post("batch", body)
        assert response.status_code == 200
        created += [item["Customer"] for item in response.json()["BatchItemResponse"]]
    return created


@pytest.fixture(scope="module")
def people(qb: QBApi) -> Iterator[dict]:
    """Three customers made at distinct moments (the clock moves two minutes between them), one made inactive."""
    made = {}
    for key, name in (("a", "Alder & Co"), ("b", "Birch's Bakery"), ("c", "cedar LIMITED")):
        made[key] = qb.customer(name, PrimaryEmailAddr={"Address": f"{key}@trees.test"})
        qb.control("POST", "clock", json={"advance": 120})
    made["c"] = qb.post("customer", {"Id": made["c"]["Id"], "SyncToken": "0", "sparse": True,
                                     "Active": False}).json()["Customer"]
    yield made


def test_where_like_in_escape_and_case(qb: QBApi, people: dict) -> None:
    assert [r["Id"] for r in qb.rows("select * from customer where DisplayName LIKE 'alder%'", "Customer")] == [
        people["a"]["Id"]]
    assert [r["DisplayName"] for r in qb.rows(
        "SELECT * FROM Customer WHERE DisplayName = 'Birch\\'s Bakery'", "Customer")] == ["Birch's Bakery"]
    ids = {r["Id"] for r in qb.rows(f"SELECT * FROM Customer WHERE Id IN ('{people['a']['Id']}', "
                                    f"'{people['b']['Id']}')", "Customer")}
    assert ids == {people["a"]["Id"], people["b"]["Id"]}
    by_email = qb.rows("SELECT * FROM Customer WHERE PrimaryEmailAddr = 'b@trees.test'", "Customer")
    assert [r["Id"] for r in by_email] == [people["b"]["Id"]]
    assert qb.query("SELECT * FROM Customer WHERE DisplayName LIKE 'Birch%'", method="POST").json()[
        "QueryResponse"]["maxResults"] == 1


def test_active_default_and_override(qb: QBApi, people: dict) -> None:
    names = lambda q: {r["DisplayName"] for r in qb.rows(q, "Customer")}  # noqa: E731
    everyone = names("SELECT * FROM Customer WHERE DisplayName LIKE '%' MAXRESULTS 1000")
    assert "cedar LIMITED" not in everyone and "Alder & Co" in everyone
    assert "cedar LIMITED" in names("SELECT * FROM Customer WHERE Active IN (true, false) MAXRESULTS 1000")
    assert names("SELECT * FROM Customer WHERE Active = false") == {"cedar LIMITED"}


def test_last_updated_time_comparisons_are_aware(qb: QBApi, people: dict) -> None:
    b_time = dt.datetime.fromisoformat(people["b"]["MetaData"]["LastUpdatedTime"])
    in_utc = b_time.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    rows = qb.rows(f"SELECT * FROM Customer WHERE MetaData.LastUpdatedTime >= '{in_utc}' AND Active IN (true,false)"
                   " ORDERBY MetaData.LastUpdatedTime", "Customer")
    assert [r["Id"] for r in rows][:2] == [people["b"]["Id"], people["c"]["Id"]]
    later = qb.rows(f"SELECT * FROM Customer WHERE Metadata.LastUpdatedTime > '{b_time.isoformat()}'", "Customer")
    assert people["b"]["Id"] not in {r["Id"] for r in later}
    assert people["a"]["Id"] not in {r["Id"] for r in later}


def test_orderby_desc_and_count(qb: QBApi, people: dict) -> None:
    rows = qb.rows("SELECT * FROM Customer WHERE DisplayName IN ('Alder & Co', 'Birch\\'s Bakery') "
                   "ORDER BY DisplayName DESC", "Customer")
    assert [r["DisplayName"] for r in rows] == ["Birch's Bakery", "Alder & Co"]
    count = qb.query("SELECT COUNT(*) FROM Customer WHERE Active IN (true,false)").json()
    assert set(count["QueryResponse"]) == {"totalCount"} and count["QueryResponse"]["totalCount"] >= 3
    assert qb.query("select count(*) from TaxCode").json()["QueryResponse"]["totalCount"] == 5


def test_empty_answer_has_no_entity_key_and_no_max_results(qb: QBApi) -> None:
    body = qb.query("SELECT * FROM Customer WHERE DisplayName = 'nobody at all'").json()
    assert body["QueryResponse"] == {}


@pytest.mark.parametrize("statement,code", [
    ("SELECT * FROM Customer WHERE DisplayName = 'a' OR DisplayName = 'b'", "4000"),
    ("SELECT * FROM Customer WHERE DisplayName = 'unterminated", "4000"),
    ("SELECT * FROM Customer WHERE DisplayName != 'x'", "4000"),
    ("SELECT * Customer", "4000"),
    ("SELECT * FROM Customer GROUP BY DisplayName", "4000"),
    ("SELECT * FROM Customer WHERE Id > '3'", "4001"),
    ("SELECT * FROM Customer WHERE Colour = 'blue'", "4001"),
    ("SELECT * FROM Spaceship", "4001"),
    ("SELECT * FROM Invoice WHERE TotalAmt > 'lots'", "4001"),
])
def test_parser_and_validation_errors(qb: QBApi, statement: str, code: str) -> None:
    response = qb.query(statement)
    assert response.status_code == 400
    fault = qb.fault(response)
    assert fault["code"] == code
    assert fault["Detail"].startswith("QueryParserError" if code == "4000" else "QueryValidationError")


def test_paging_default_cap_and_start_position(qb: QBApi) -> None:
    names = [f"Pager {i:04d}" for i in range(1005)]
    _batch_create(qb, names)
    where = "WHERE DisplayName LIKE 'Pager %'"
    first = qb.query(f"SELECT * FROM Customer {where}").json()["QueryResponse"]
    assert first["startPosition"] == 1 and first["maxResults"] == 100  # the default page
    capped = qb.query(f"SELECT * FROM Customer {where} MAXRESULTS 5000").json()["QueryResponse"]
    assert capped["maxResults"] == 1000 and len(capped["Customer"]) == 1000
    seen, start = [], 1
    while True:
        page = qb.query(f"SELECT * FROM Customer {where} ORDERBY DisplayName STARTPOSITION {start} "
                        "MAXRESULTS 400").json()["QueryResponse"]
        if "Customer" not in page:
            break
        assert page["startPosition"] == start and page["maxResults"] == len(page["Customer"])
        seen += [r["DisplayName"] for r in page["Customer"]]
        start += len(page["Customer"])
    assert seen == names
    assert qb.query(f"SELECT COUNT(*) FROM Customer {where}").json()["QueryResponse"]["totalCount"] == 1005
    zero = qb.query(f"SELECT * FROM Customer {where} ORDERBY DisplayName STARTPOSITION 0 MAXRESULTS 1").json()
    assert zero["QueryResponse"]["Customer"][0]["DisplayName"] == "Pager 0000"


def test_reference_entities_query(qb: QBApi) -> None:
    accounts = qb.rows("SELECT * FROM Account WHERE AccountType = 'Bank' ORDERBY Name", "Account")
    assert [a["Name"] for a in accounts] == ["Business Bank Account", "Business Savings Account", "USD Bank Account"]
    assert qb.rows("SELECT * FROM CompanyInfo", "CompanyInfo")[0]["CompanyName"] == "Harbour & Finch Ltd"
    expected = 2 + len(reference.ITEMS) + len(reference.QB_ACCOUNT_ITEMS)  # Services, Hours and the seeded ones
    assert len(qb.rows("SELECT *, Sku FROM Item MAXRESULTS 100", "Item")) == expected
