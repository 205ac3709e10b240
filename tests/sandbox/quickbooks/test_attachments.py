"""Attachable: multipart upload, read, query by the record it is on, download round trip, notes, delete,
requestid replay of an upload (DCOPY attachable; fact sheet §1.1 AttachableRef)."""

from __future__ import annotations

import base64
import json
import os
from typing import Any

import requests

from tests.sandbox.quickbooks.conftest import QBApi

PDF = b"%PDF-1.4\n" + os.urandom(3000) + b"\r\n--not-a-boundary\r\n%%EOF\n"


def _upload(qb: QBApi, metadata: dict[str, Any] | None, content: bytes, file_name: str = "invoice-2291.pdf",
            **params: Any) -> requests.Response:
    files: dict[str, Any] = {"file_content_0": (file_name, content, "application/pdf")}
    if metadata is not None:
        files = {"file_metadata_0": (None, json.dumps(metadata), "application/json"), **files}
    return qb.session.post(f"{qb.company}/upload", files=files, params={"minorversion": 75, **params}, timeout=60)


def _bill(qb: QBApi) -> dict[str, Any]:
    return qb.bill(qb.vendor()["Id"], "10.00")


def test_upload_read_query_download_and_delete(qb: QBApi) -> None:
    bill = _bill(qb)
    metadata = {"AttachableRef": [{"EntityRef": {"type": "Bill", "value": bill["Id"]}}],
                "FileName": "invoice-2291.pdf", "ContentType": "application/pdf", "Note": "Supplier invoice"}
    response = _upload(qb, metadata, PDF)
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"AttachableResponse", "time"}
    attachable = body["AttachableResponse"][0]["Attachable"]
    assert attachable["FileName"] == "invoice-2291.pdf" and attachable["ContentType"] == "application/pdf"
    assert attachable["Size"] == len(PDF) and attachable["Note"] == "Supplier invoice"
    assert attachable["AttachableRef"] == [{"EntityRef": {"type": "Bill", "value": bill["Id"]},
                                            "IncludeOnSend": False}]
    assert attachable["FileAccessUri"] == f"/v3/company/{qb.info['realm_id']}/download/{attachable['Id']}"
    assert attachable["TempDownloadUri"].startswith(qb.box.root_url)
    read = qb.read("Attachable", attachable["Id"])
    assert {k: v for k, v in read.items() if k != "TempDownloadUri"} == \
        {k: v for k, v in attachable.items() if k != "TempDownloadUri"}
    # Intuit's sample query, lower-case type and all
    found = qb.rows("select Id from attachable where AttachableRef.EntityRef.Type = 'bill' and "
                    f"AttachableRef.EntityRef.value = '{bill['Id']}'", "Attachable")
    assert [f["Id"] for f in found] == [attachable["Id"]]
    link = qb.get(f"download/{attachable['Id']}")
    assert link.status_code == 200 and link.headers["content-type"].startswith("text/plain")
    fetched = requests.get(link.text, timeout=30)  # no bearer token: the link carries its own permission
    assert fetched.status_code == 200 and fetched.content == PDF
    assert fetched.headers["content-type"] == "application/pdf"
    assert requests.get(read["TempDownloadUri"], timeout=30).content == PDF
    assert requests.get(link.text.replace("Signature=", "Signature=0"), timeout=30).status_code == 403
    qb.control("POST", "clock", json={"advance": 16 * 60})  # links last 15 minutes
    assert requests.get(link.text, timeout=30).status_code == 403
    assert requests.get(qb.get(f"download/{attachable['Id']}").text, timeout=30).content == PDF
    deleted = qb.post("attachable", {"Id": attachable["Id"], "SyncToken": "0"}, operation="delete")
    assert deleted.json()["Attachable"] == {"status": "Deleted", "domain": "QBO", "Id": attachable["Id"]}
    assert qb.fault(qb.get(f"download/{attachable['Id']}"))["code"] == "610"


def test_upload_rules_and_metadata_from_the_file_part(qb: QBApi) -> None:
    bill = _bill(qb)
    bare = _upload(qb, None, b"receipt", file_name="receipt.png")
    made = bare.json()["AttachableResponse"][0]["Attachable"]
    assert made["FileName"] == "receipt.png" and made["Size"] == 7 and "AttachableRef" not in made
    qb.refused(_upload(qb, {"AttachableRef": [{"EntityRef": {"type": "Bill", "value": "999999"}}]}, b"x"), "2500")
    qb.refused(_upload(qb, {"FileName": "tool.exe"}, b"MZ", file_name="tool.exe"), "6000")
    not_multipart = qb.session.post(f"{qb.company}/upload", data=b"{}", headers={"Content-Type": "application/json"},
                                    params={"minorversion": 75}, timeout=60)
    assert not_multipart.status_code == 400
    # two files, the second refused: each answers in its place
    files = {"file_metadata_0": (None, json.dumps({"FileName": "a.pdf"}), "application/json"),
             "file_content_0": ("a.pdf", b"a", "application/pdf"),
             "file_metadata_1": (None, json.dumps({"FileName": "b.pdf", "AttachableRef": [
                 {"EntityRef": {"type": "Invoice", "value": "999999"}}]}), "application/json"),
             "file_content_1": ("b.pdf", b"b", "application/pdf")}
    both = qb.session.post(f"{qb.company}/upload", files=files, params={"minorversion": 75}, timeout=60)
    answers = both.json()["AttachableResponse"]
    assert both.status_code == 200 and "Attachable" in answers[0] and answers[1]["Fault"]["Error"][0]["code"] == "2500"
    note = qb.create("Attachable", {"Note": "Call the supplier about line 2",
                                    "AttachableRef": [{"EntityRef": {"type": "Bill", "value": bill["Id"]}}]})
    assert "FileAccessUri" not in note and "Size" not in note
    qb.refused(qb.post("attachable", {"AttachableRef": [{"EntityRef": {"type": "Bill", "value": bill["Id"]}}]}),
               "2020")


def test_python_quickbooks_style_body_lf_and_base64(qb: QBApi) -> None:
    """python-quickbooks writes its multipart body by hand: LF line ends, numbered parts, base64 content."""
    bill = _bill(qb)
    boundary = "-------------PythonMultipartPost"
    metadata = json.dumps({"AttachableRef": [{"EntityRef": {"type": "Bill", "value": bill["Id"]}}],
                           "FileName": "scan.pdf", "ContentType": "application/pdf"})
    body = (f"\n--{boundary}\nContent-Disposition: form-data; name=\"file_metadata_01\"\n"
            f"Content-Type: application/json\n\n{metadata}\n\n--{boundary}\n"
            f"Content-Disposition: form-data; name=\"file_content_01\"\nContent-Type: application/pdf\n"
            f"Content-Transfer-Encoding: base64\n\n{base64.b64encode(PDF).decode()}\n\n--{boundary}--\n")
    response = qb.session.post(f"{qb.company}/upload", data=body.encode(), params={"minorversion": 75}, timeout=60,
                               headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
    attachable = response.json()["AttachableResponse"][0]["Attachable"]
    assert attachable["Size"] == len(PDF)
    assert requests.get(qb.get(f"download/{attachable['Id']}").text, timeout=30).content == PDF


def test_requestid_replays_an_upload(qb: QBApi) -> None:
    bill = _bill(qb)
    metadata = {"AttachableRef": [{"EntityRef": {"type": "Bill", "value": bill["Id"]}}], "FileName": "r.pdf"}
    files = {"file_metadata_0": (None, json.dumps(metadata), "application/json"),
             "file_content_0": ("r.pdf", b"once", "application/pdf")}
    # the same bytes twice (requests picks a new boundary per call, so prepare the body once)
    prepared = qb.session.prepare_request(requests.Request(
        "POST", f"{qb.company}/upload", files=files, params={"minorversion": 75, "requestid": "rq-upload-1"}))
    first = qb.session.send(prepared, timeout=60)
    again = qb.session.send(prepared, timeout=60)
    assert first.status_code == again.status_code == 200
    assert json.loads(again.content)["AttachableResponse"][0]["Attachable"]["Id"] == \
        first.json()["AttachableResponse"][0]["Attachable"]["Id"]
    found = qb.rows(f"SELECT * FROM Attachable WHERE AttachableRef.EntityRef.value = '{bill['Id']}'", "Attachable")
    assert len(found) == 1
    assert [c["note"] for c in qb.box.calls() if c["idempotency_key"] == "rq-upload-1"] == [None, "replay"]
