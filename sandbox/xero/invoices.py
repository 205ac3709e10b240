"""Invoices (ACCREC sales invoices and ACCPAY bills): the entity; the writer is ``sandbox.xero.documents`` (shared
with credit notes), the shape ``sandbox.xero.invoice_render``.

Fact sheet §1.2 and [DOC-INV]: ACCREC numbers are unique and generated (INV-0001 style) when missing, ACCPAY numbers
need not be; payments (``sandbox.xero.payments``) and credit allocations (``sandbox.xero.allocations``) set
AmountPaid / AmountCredited / AmountDue and the PAID status.
"""

from __future__ import annotations

from sandbox.xero.documents import (INVOICE, NOT_VALID_STATUS, PAID_LOCKED, DocumentWriter, compute_totals,
                                    next_number, number_taken)
from sandbox.xero.entities import Entity
from sandbox.xero.invoice_render import render, view

__all__ = ["INVOICES", "NOT_VALID_STATUS", "PAID_LOCKED", "compute_totals", "next_number", "number_taken"]
TYPES = INVOICE.types


INVOICES = Entity(
    name="Invoices", singular="Invoice", id_field="InvoiceID", render=render, view=view, paged=True,
    fields=frozenset({"Type", "InvoiceID", "InvoiceNumber", "Reference", "Status", "LineAmountTypes", "Date",
                      "DueDate", "ExpectedPaymentDate", "PlannedPaymentDate", "SubTotal", "TotalTax", "Total",
                      "TotalDiscount", "AmountDue", "AmountPaid", "AmountCredited", "CurrencyCode", "CurrencyRate",
                      "UpdatedDateUTC", "FullyPaidOnDate", "SentToContact", "HasAttachments", "Contact",
                      "BrandingThemeID"}),
    alt_keys=("InvoiceNumber",),
    list_filters={"IDs": ("InvoiceID",), "InvoiceNumbers": ("InvoiceNumber",), "ContactIDs": ("Contact", "ContactID"),
                  "Statuses": ("Status",)},
    search_fields=("InvoiceNumber", "Reference"),
    writer=DocumentWriter(INVOICE), webhook="INVOICE", history=True, attachments=True,
)
