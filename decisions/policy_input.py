"""The policy gate's ``input`` document for one situation and its candidates.

The shape is documented in ``policies_rego/README.md``. It carries no direct
identifier: no name, contact data, debtor or invoice reference.
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from ledger.timestamps import rfc3339

from .money import to_minor
from .situation import Situation
from .strategy import Candidate

__all__ = ["policy_input"]


def policy_input(situation: Situation, candidates: tuple[Candidate, ...], *,
                 risk: dict[str, Any]) -> dict[str, Any]:
    case = situation.case
    debtor, invoice, flags = case.debtor, case.invoice, case.debtor.flags
    return {
        "now": rfc3339(case.as_of),
        "case": {
            "creditor": {"role": case.creditor_role},
            "debtor": {
                "kind": debtor.kind,
                "jurisdiction": debtor.jurisdiction,
                "country": debtor.country,
                "subdivision": debtor.subdivision,
                "timezone": debtor.timezone,
                "language": debtor.language,
                "consents": {"email": debtor.consents.email, "sms": debtor.consents.sms,
                             "phone": debtor.consents.phone, "letter": debtor.consents.letter},
                "flags": {
                    "vulnerable": flags.vulnerable,
                    "insolvency": flags.insolvency,
                    "deceased": flags.deceased,
                    "breathing_space_until": _iso(flags.breathing_space_until),
                    "cease_communication": flags.cease_communication,
                    "no_work_contact": flags.no_work_contact,
                },
                "objected_to_profiling": not risk["profiling"],
            },
            "invoice": {
                "currency": invoice.currency,
                "amount_minor": to_minor(invoice.amount, invoice.currency),
                "open_amount_minor": to_minor(invoice.open_amount, invoice.currency),
                "issued_on": invoice.issued_on.isoformat(),
                "due_on": invoice.due_on.isoformat(),
                "days_past_due": situation.days_past_due,
                "disputed": situation.disputed,
                "promise_to_pay_on": _iso(situation.promise_to_pay_on),
                "last_payment_on": _iso(situation.last_payment_on),
            },
            "history": {
                "dunning": [{"at": rfc3339(s.at), "kind": s.kind, "level": s.level, "channel": s.channel}
                            for s in situation.dunning],
                "contacts": [{"at": rfc3339(c.at), "channel": c.channel, "connected": c.connected}
                             for c in situation.contacts],
            },
            "risk": {key: risk[key] for key in ("profiling", "p_late", "band", "uncertainty")},
        },
        "candidates": [_candidate(c, debtor.timezone) for c in candidates],
    }


def _candidate(candidate: Candidate, timezone: str) -> dict[str, Any]:
    local = None
    if candidate.send_at is not None:
        at = candidate.send_at.astimezone(ZoneInfo(timezone))
        local = {"date": at.date().isoformat(), "hour": at.hour, "minute": at.minute, "weekday": at.isoweekday()}
    return {
        "id": candidate.id,
        "kind": candidate.kind,
        "level": candidate.level,
        "channel": candidate.channel,
        "tone": candidate.tone,
        "communication": candidate.communication,
        "profiling": candidate.profiling,
        "send_at": rfc3339(candidate.send_at) if candidate.send_at else None,
        "send_at_local": local,
        "fees": [{"kind": f.kind, "amount_minor": to_minor(f.amount, f.currency), "currency": f.currency}
                 for f in candidate.fees],
    }


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None
