"""Model features of a situation: the one place that says how each feature the
glass-box model knows (``explain.FEATURES``, with descriptions and monotonicity)
is computed from a request and what fairdun remembers.

| feature              | computed from                                                        |
|----------------------|----------------------------------------------------------------------|
| days_past_due        | ``as_of`` in the debtor's time zone minus ``invoice.due_on``, in days |
| open_amount          | ``invoice.open_amount`` in major units (the currency is not converted)|
| prior_invoices       | ``history.invoices_total``: the debtor's earlier, settled invoices    |
| prior_late_ratio     | ``invoices_paid_late / invoices_total``; missing when there are none |
| prior_avg_days_late  | ``history.avg_days_late``; missing when there are no earlier invoices |
| disputed             | 1 when the invoice is disputed (request flag or an open dispute event)|
| paperless            | ``history.paperless``                                                 |
| due_month            | month of ``invoice.due_on`` (seasonality)                            |

Every input is known at ``as_of`` (leak-free): the request describes the past,
and remembered activity is cut at ``as_of`` by ``situate``. Direct identifiers,
jurisdiction, language and flags (vulnerability is special-category data) are
never features.
"""

from __future__ import annotations

from .situation import Situation

__all__ = ["model_features"]


def model_features(situation: Situation) -> dict[str, int | float | None]:
    invoice = situation.case.invoice
    history = situation.case.history
    has_history = history.invoices_total > 0
    return {
        "days_past_due": situation.days_past_due,
        "open_amount": float(invoice.open_amount),
        "prior_invoices": history.invoices_total,
        "prior_late_ratio": history.invoices_paid_late / history.invoices_total if has_history else None,
        "prior_avg_days_late": history.avg_days_late if has_history else None,
        "disputed": int(situation.disputed),
        "paperless": int(history.paperless),
        "due_month": invoice.due_on.month,
    }
