"""Sales invoices: Xero Invoice (Type ACCREC) -> QuickBooks Invoice, then the QuickBooks Id noted back on the Xero
invoice's History (as in the "Invoice -> QuickBooks" workflow)."""

from __future__ import annotations

from reconcile.entities.documents import DocumentKind, document_spec

KIND = DocumentKind(
    entity="invoices", label="sales invoice", xero_resource="Invoices", xero_types=("ACCREC",),
    qb_resource="Invoice", side="sales", contact_entity="contacts", note_on_xero=True,
    doc="Xero sales invoices (ACCREC) -> QuickBooks invoices, with the QuickBooks Id noted on the Xero History.",
)
SPEC = document_spec(KIND)
