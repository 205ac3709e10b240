"""Manual journals: balanced lines (Xero's "total debits must equal total credits" wording), accounts checked,
tax, tracking, statuses DRAFT/POSTED/DELETED/VOIDED, paging (fact sheet §1.2)."""

from __future__ import annotations

from tests.sandbox.xero.conftest import XeroClient


def _journal(xero: XeroClient, lines: list[dict], ok: bool = True, **fields: object) -> dict:
    body = {"ManualJournals": [{"Narration": "Accrue October rent", "Date": "2026-10-31", "JournalLines": lines,
                                **fields}]}
    element = xero.put("ManualJournals", body, params={"summarizeErrors": "false"}).json()["ManualJournals"][0]
    assert (element.get("StatusAttributeString") == "OK") is ok, element
    return element


def test_journals_balance_and_post(xero: XeroClient) -> None:
    lines = [{"LineAmount": 1500, "AccountCode": "469", "Description": "Rent October"},
             {"LineAmount": -1500, "AccountCode": "820", "Description": "Accrual",
              "Tracking": [{"Name": "Region", "Option": "London"}]}]
    draft = _journal(xero, lines)
    assert (draft["Status"], draft["LineAmountTypes"], draft["ShowOnCashBasisReports"]) == ("DRAFT", "NoTax", True)
    assert [ln["LineAmount"] for ln in draft["JournalLines"]] == [1500, -1500]
    assert draft["JournalLines"][1]["Tracking"][0]["Option"] == "London"
    assert all(ln["TaxType"] == "NONE" for ln in draft["JournalLines"])

    unbalanced = _journal(xero, [{"LineAmount": 100, "AccountCode": "469"}, {"LineAmount": -10,
                                                                             "AccountCode": "820"}], ok=False)
    assert unbalanced["ValidationErrors"] == [{"Message": "The total debits (100.00) must equal total credits "
                                                          "(-10.00)"}]
    # an unknown account is dropped with Xero's warning; such a journal cannot be posted
    dropped = _journal(xero, [{"LineAmount": 50, "AccountCode": "476"}, {"LineAmount": -50, "AccountCode": "469"}])
    assert dropped["Warnings"] == [{"Message": "Account code ''476'' has been removed as it does not match a "
                                               "recognised account."}]
    assert "AccountCode" not in dropped["JournalLines"][0]
    post = xero.post(f"ManualJournals/{dropped['ManualJournalID']}", {"ManualJournals": [{"Status": "POSTED"}]},
                     params={"summarizeErrors": "false"}).json()["ManualJournals"][0]
    assert post["ValidationErrors"] == [{"Message": "Journal line 1: an AccountCode is required before the journal "
                                                    "is posted."}]
    debtors = _journal(xero, [{"LineAmount": 5, "AccountCode": "610"}, {"LineAmount": -5, "AccountCode": "469"}],
                       ok=False)
    assert "cannot be used in a manual journal" in debtors["ValidationErrors"][0]["Message"]
    no_narration = xero.put("ManualJournals", {"ManualJournals": [{"JournalLines": lines}]},
                            params={"summarizeErrors": "false"}).json()["ManualJournals"][0]
    assert no_narration["ValidationErrors"] == [{"Message": "Narration must be specified."}]

    posted = xero.post(f"ManualJournals/{draft['ManualJournalID']}", {"ManualJournals": [{"Status": "POSTED"}]})
    assert posted.json()["ManualJournals"][0]["Status"] == "POSTED"
    back = xero.post(f"ManualJournals/{draft['ManualJournalID']}", {"ManualJournals": [{"Status": "DELETED"}]},
                     params={"summarizeErrors": "false"}).json()["ManualJournals"][0]
    assert back["ValidationErrors"] == [{"Message": "Manual Journal not of valid status for modification"}]
    voided = xero.post(f"ManualJournals/{draft['ManualJournalID']}", {"ManualJournals": [{"Status": "VOIDED"}]})
    assert voided.json()["ManualJournals"][0]["Status"] == "VOIDED"
    deleted = xero.post(f"ManualJournals/{dropped['ManualJournalID']}", {"ManualJournals": [{"Status": "DELETED"}]})
    assert deleted.json()["ManualJournals"][0]["Status"] == "DELETED"


def test_tax_on_journal_lines_and_listing(xero: XeroClient) -> None:
    taxed = _journal(xero, [{"LineAmount": 120, "AccountCode": "429", "TaxType": "INPUT2"},
                            {"LineAmount": -120, "AccountCode": "090", "TaxType": "NONE"}],
                     LineAmountTypes="Inclusive", Status="POSTED")
    assert taxed["JournalLines"][0]["TaxAmount"] == 20 and taxed["Status"] == "POSTED"

    everything = xero.get("ManualJournals").json()
    assert "pagination" not in everything and all(j["JournalLines"] == [] for j in everything["ManualJournals"])
    page = xero.get("ManualJournals", params={"page": "1", "pageSize": "2"}).json()
    assert page["pagination"]["pageSize"] == 2 and page["ManualJournals"][0]["JournalLines"]
    one = xero.get(f"ManualJournals/{taxed['ManualJournalID']}").json()["ManualJournals"][0]
    assert one["Narration"] == "Accrue October rent" and len(one["JournalLines"]) == 2
    posted = xero.get("ManualJournals", params={"where": 'Status=="POSTED"'}).json()["ManualJournals"]
    assert taxed["ManualJournalID"] in {j["ManualJournalID"] for j in posted}


def test_seeded_journals(xero: XeroClient) -> None:
    from sandbox.seed.generate import generate

    seeded = generate(11, 40).xero
    for journal in seeded.journals:
        got = xero.get(f"ManualJournals/{journal.xero_id}").json()["ManualJournals"][0]
        assert got["Status"] == journal.status.upper() and got["Narration"] == journal.narration
        assert [ln["LineAmount"] for ln in got["JournalLines"]] == [float(ln.amount) for ln in journal.lines]
