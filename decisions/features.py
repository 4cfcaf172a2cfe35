"""Model features of a situation: the one place that says how each feature the
glass-box model knows (``explain.FEATURES``, with descriptions and monotonicity)
is computed from a request and what fairdun remembers.

| feature              | computed from                                                        |
|----------------------|----------------------------------------------------------------------|
| days_past_due        | ``as_of`` in the debtor's time zone minus ``invoice.due_on``, in days, counted within the ladder's range (-5 to 45: ``explain.features``) |
| prior_late_ratio     | ``invoices_paid_late / invoices_total``; missing when there are none |
| prior_avg_days_late  | ``history.avg_days_late``; missing when there are no earlier invoices |
| paperless            | ``history.paperless``                                                 |

Every input is known at ``as_of`` (leak-free): the request describes the past,
and remembered activity is cut at ``as_of`` by ``situate``. Direct identifiers,
jurisdiction, language, flags (vulnerability is special-category data), the
invoice's dispute (a dispute must never raise a score: it stops dunning through
the policy gate instead), its amount and its due month are never features.
"""

from __future__ import annotations

from explain.features import feature

from .situation import Situation

__all__ = ["model_features"]

_DAYS_PAST_DUE = feature("days_past_due")


def model_features(situation: Situation) -> dict[str, int | float | None]:
    history = situation.case.history
    has_history = history.invoices_total > 0
    days = _DAYS_PAST_DUE.clipped(situation.days_past_due)
    return {
        "days_past_due": int(days) if days is not None else None,
        "prior_late_ratio": history.invoices_paid_late / history.invoices_total if has_history else None,
        "prior_avg_days_late": history.avg_days_late if has_history else None,
        "paperless": int(history.paperless),
    }
