"""Bills: QuickBooks Bill -> Xero Invoice (Type ACCPAY), for the supplier linked to the bill's vendor."""

from __future__ import annotations

from reconcile.entities.documents import DocumentKind, document_spec

KIND = DocumentKind(
    entity="bills", label="bill", xero_resource="Invoices", xero_types=("ACCPAY",), qb_resource="Bill",
    side="purchases", contact_entity="suppliers",
    doc="QuickBooks bills -> Xero bills (ACCPAY invoices), with their supporting files.",
)
SPEC = document_spec(KIND)
