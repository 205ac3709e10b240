"""Credit notes: Xero CreditNote ACCRECCREDIT -> QuickBooks CreditMemo, and ACCPAYCREDIT -> VendorCredit."""

from __future__ import annotations

from reconcile.entities.documents import DocumentKind, document_spec

SALES = DocumentKind(
    entity="credit_notes", label="credit note", xero_resource="CreditNotes", xero_types=("ACCRECCREDIT",),
    qb_resource="CreditMemo", side="sales", contact_entity="contacts", note_on_xero=True,
    doc="Xero sales credit notes (ACCRECCREDIT) -> QuickBooks credit memos.",
)
PURCHASE = DocumentKind(
    entity="vendor_credits", label="supplier credit note", xero_resource="CreditNotes",
    xero_types=("ACCPAYCREDIT",), qb_resource="VendorCredit", side="purchases", contact_entity="suppliers",
    doc="Xero supplier credit notes (ACCPAYCREDIT) -> QuickBooks vendor credits.",
)
SPEC = document_spec(SALES)
VENDOR_CREDITS = document_spec(PURCHASE)
