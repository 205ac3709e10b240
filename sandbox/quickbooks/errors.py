"""The QuickBooks ``Fault`` envelope and the error catalogue the sandbox answers with (fact sheet §1.3, §3, §4).

A handler raises :class:`QBError`; the app turns it into
``{"Fault": {"Error": [{"Message", "Detail", "code", "element"}], "type": ...}, "time": ...}`` with its HTTP status.
Inside a batch the same error becomes the item's ``Fault``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass
class QBError(Exception):
    code: str
    message: str
    detail: str = ""
    element: str = ""
    status: int = 400
    fault_type: str = "ValidationFault"

    def fault(self) -> dict[str, Any]:
        error: dict[str, Any] = {"Message": self.message, "Detail": self.detail or self.message, "code": self.code}
        # element is present (possibly empty) on validation errors, as Intuit's samples show it
        if self.fault_type == "ValidationFault":
            error["element"] = self.element
        return {"Error": [error], "type": self.fault_type}


# --- the catalogue ---------------------------------------------------------------------------------------------
def not_found(entity: str, record_id: str) -> QBError:
    return QBError("610", "Object Not Found",
                   "Object Not Found : Something you're trying to use has been made inactive. Check the fields with "
                   "accounts, customers, items, vendors or employees.", element="")


def required(element: str) -> QBError:
    return QBError("2020", "Required param missing, need to supply the required value for the API",
                   f"Required parameter {element} is missing in the request", element=element)


def invalid_reference(element: str, entity: str, value: Any) -> QBError:
    return QBError("2500", "Invalid Reference Id",
                   f"Invalid Reference Id : {entity} element id {value} not found", element=element)


def inactive_reference(element: str, entity: str, value: Any) -> QBError:
    return QBError("610", "Object Not Found",
                   f"Object Not Found : Something you're trying to use has been made inactive. Check the fields "
                   f"with accounts, customers, items, vendors or employees. ({entity} {value})", element=element)


def unsupported_property(name: str, type_name: str, why: str = "Unrecognized field") -> QBError:
    return QBError("2010", "Request has invalid or unsupported property",
                   f'Property Name:{why} "{name}" (class com.intuit.schema.finance.v3.{type_name}) specified is '
                   "unsupported or invalid", element=name)


def invalid_enum(element: str, value: Any) -> QBError:
    return QBError("2170", "Invalid Enumeration", f"Invalid Enumeration : {value}", element=element)


def invalid_number(element: str, value: Any) -> QBError:
    return QBError("2010", "Request has invalid or unsupported property",
                   f"Property Name:Can not construct instance of java.math.BigDecimal from String value '{value}': "
                   "not a valid representation specified is unsupported or invalid", element=element)


def stale(entity: str) -> QBError:
    return QBError("5010", "Stale Object Error",
                   "Stale Object Error : You and ledgerbridge sandbox were working on this at the same time. "
                   "ledgerbridge sandbox finished before you did, so your work was not saved.", element="")


def duplicate_name(noun: str = "customer, vendor or employee") -> QBError:
    return QBError("6240", "Duplicate Name Exists Error",
                   f"The name supplied already exists. : Another {noun} is already using "
                   "this name. Please use a different name.", element="")


def business(detail: str, element: str = "") -> QBError:
    return QBError("6000", "A business validation error has occurred while processing your request",
                   f"Business Validation Error: {detail}", element=element)


def cannot_link(element: str, detail: str) -> QBError:
    """620: a LinkedTxn the transaction cannot take (wording unconfirmed; fact sheet §3 lists only the code)."""
    return QBError("620", "Transaction can't be linked", f"TxnID Cannot Be Linked : {detail}", element=element)


def deposited() -> QBError:
    return QBError("6540", "Deposited Transaction cannot be changed",
                   "This transaction has been deposited. If you want to change or delete it, you must edit the "
                   "deposit it appears on and remove it first.", element="")


def account_type_missing() -> QBError:
    return QBError("6010", "Invalid account type",
                   "Invalid account type: You need to select a different type for this account. "
                   "Supply AccountType or AccountSubType.", element="AccountType")


def amount_mismatch(element: str, supplied: Any) -> QBError:
    return QBError("6070", "Amount calculation incorrect in the request",
                   f"Amount is not equal to UnitPrice * Qty. Supplied value:{supplied}", element=element)


def unsupported_operation(what: str) -> QBError:
    return QBError("500", "Unsupported Operation", f"Operation {what} is not supported.", element="")


def query_parser(detail: str) -> QBError:
    return QBError("4000", "Error parsing query", f"QueryParserError: {detail}", element="")


def query_validation(detail: str) -> QBError:
    return QBError("4001", "Invalid query", f"QueryValidationError: {detail}", element="")


def batch_too_big(size: int, limit: int) -> QBError:
    return QBError("1040", "Batch size exceeds allowed limit",
                   f"Number of items in the batch request ({size}) exceeds the allowed limit of {limit}.",
                   element="")


def duplicate_request_id(request_id: str) -> QBError:
    return QBError("600", "Duplicate Request ID",
                   f"RequestId {request_id} already exists and was used for a different request.", element="")


def too_long(element: str, limit: int) -> QBError:
    return QBError("2050", "String length is either shorter or longer than supported by specification",
                   f"String length specified does not match the supported length. Max allowed length is {limit} "
                   f"for {element}", element=element)


def authentication(detail: str) -> QBError:
    return QBError("3200", "message=AuthenticationFailed; errorCode=003200; statusCode=401", detail,
                   status=401, fault_type="AUTHENTICATION")


def authorization(detail: str) -> QBError:
    return QBError("3100", "message=ApplicationAuthorizationFailed; errorCode=003100; statusCode=403", detail,
                   status=403, fault_type="AUTHENTICATION")


def throttled() -> QBError:
    return QBError("3001", "message=ThrottleExceeded; errorCode=003001; statusCode=429",
                   "The request limit was reached.  Try again later", status=429, fault_type="SERVICE")


def system_failure(status: int = 500) -> QBError:
    return QBError("10000", "An application error has occurred while processing your request",
                   "System Failure Error: An unexpected error occurred while accessing or saving your data. "
                   "Please wait a few minutes and try again. If the problem persists, contact customer support.",
                   status=status, fault_type="SystemFault")
