"""Examples in the OpenAPI document (each checked against its schema by the conformance test).
The decision request is the README's: a German consumer's overdue invoice, the second reminder due."""

from __future__ import annotations

from typing import Any

__all__ = ["DECISION_REQUEST_EXAMPLE"]

DECISION_REQUEST_EXAMPLE: dict[str, Any] = {
    "as_of": "2026-11-22T09:00:00Z",
    "creditor": {"role": "first_party"},
    "debtor": {
        "ref": "C-10023", "kind": "consumer", "jurisdiction": "DE", "timezone": "Europe/Berlin", "language": "de",
        "contact": {"name": "Erika Mustermann", "email": "erika@example.invalid", "phone": "+49 30 23125 000",
                    "address": "Musterstraße 1, 10115 Berlin"},
        "consents": {"email": False, "sms": False, "phone": False, "letter": True},
        "flags": {"vulnerable": False, "insolvency": False, "deceased": False, "breathing_space_until": None,
                  "cease_communication": False, "no_work_contact": False},
    },
    "invoice": {
        "ref": "INV-42", "currency": "EUR", "amount": "120.00", "open_amount": "120.00",
        "issued_on": "2026-10-01", "due_on": "2026-10-31", "disputed": False,
        "promise_to_pay_on": None, "last_payment_on": None,
    },
    "history": {
        "invoices_total": 12, "invoices_paid_late": 3, "avg_days_late": 4.5, "paperless": True,
        "dunning": [{"at": "2026-11-08T09:00:00Z", "kind": "reminder", "level": 1, "channel": "email"}],
        "contacts": [{"at": "2026-11-20T15:00:00Z", "channel": "phone", "connected": False}],
    },
    "metadata": {"erp_document": "4711"},
}
