"""The policy gate's ``input`` document for one situation and its candidates.

The shape is documented in ``policies_rego/README.md``. It carries no direct
identifier: no name, contact data, debtor or invoice reference, and of a candidate or a past
event only what rules read (the gate sees what it needs; every value costs the engine time to
read).

Dates the rules compare are given as local dates at the debtor (``today``, each history
entry's ``date``) together with whole-day distances (``age_days``, ``days_ahead``): rules never
read the clock and rarely parse a date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from ledger.timestamps import rfc3339

from .money import to_minor
from .regf import assumed_receipt
from .situation import Situation
from .strategy import Candidate

__all__ = ["RightsStatus", "policy_input", "send_at_local"]


@dataclass(frozen=True, slots=True)
class RightsStatus:
    """Facts from the data-subject workflows (``decisions/rights``), read before each decision.

    The defaults ask the most of the policy where a fact needs a person: no compelling grounds
    documented (GDPR Art. 21(1)), no completed human review (Art. 22(3)).
    ``processing_restricted`` (Art. 18) and ``escalation_paused`` (a review of the claim is open,
    or a reviewer overturned a decision and no one has resumed escalation) default to false, the
    state of a subject who never made a request; the rules read a *missing* value as true.
    """

    compelling_grounds_documented: bool = False
    processing_restricted: bool = False
    human_review_completed: bool = False
    escalation_paused: bool = False


def policy_input(situation: Situation, candidates: tuple[Candidate, ...], *, risk: dict[str, Any],
                 global_stop: bool = False, rights: RightsStatus = RightsStatus()) -> dict[str, Any]:
    case = situation.case
    debtor, invoice, flags = case.debtor, case.invoice, case.debtor.flags
    zones = tuple(ZoneInfo(z) for z in debtor.possible_timezones)
    zone = zones[0]
    today = situation.today
    return {
        "now": rfc3339(case.as_of),
        "case": {
            "today": today.isoformat(),
            "controls": {"global_stop": global_stop},
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
                "opted_out_channels": list(situation.opted_out_channels),
                "uk_nation": debtor.uk_nation,
                "represented_by_attorney": debtor.represented_by_attorney,
                "inconvenient_times": [{"from": r.start, "to": r.end} for r in debtor.inconvenient_times],
                "email_is_work": debtor.email_is_work,
                "work_email_permitted": debtor.work_email_permitted,
                "flags": {
                    "vulnerable": flags.vulnerable,
                    "insolvency": flags.insolvency,
                    "deceased": flags.deceased,
                    "breathing_space_until": _iso(flags.breathing_space_until),
                    "mental_health_crisis_moratorium": flags.mental_health_crisis_moratorium,
                    "cease_communication": flags.cease_communication,
                    # 12 CFR 1006.6(b)(1)(ii), (iii): the workplace named inconvenient is read as the flag
                    "no_work_contact": flags.no_work_contact or "work" in debtor.inconvenient_places,
                    "financial_difficulty": flags.financial_difficulty,
                },
                "objected_to_profiling": not risk["profiling"],
                "compelling_grounds_documented": rights.compelling_grounds_documented,
                "processing_restricted": rights.processing_restricted,
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
                "due_date_agreed": invoice.due_date_agreed,
                "default_notice_in_invoice": invoice.default_notice_in_invoice,
                "human_review_completed": rights.human_review_completed,
                "escalation_paused": rights.escalation_paused,
                "substantiation_requested_on": _iso(invoice.substantiation_requested_on),
                "substantiation_provided_on": _iso(invoice.substantiation_provided_on),
                **_validation_notice(situation.validation_notice_sent_on, today),
            },
            "history": {
                "dunning": [{**_day(s.at, zone, today), "kind": s.kind, "level": s.level, "channel": s.channel,
                             "notices": list(s.notices)}
                            for s in situation.dunning],
                "contacts": [{**_day(c.at, zone, today), "channel": c.channel, "connected": c.connected}
                             for c in situation.contacts],
            },
            # the safeguard reads interval_bands (the bands the score's interval reaches) and
            # out_of_range (the inputs outside the model's domain)
            "risk": {key: risk.get(key) for key in ("profiling", "p_late", "band", "interval_bands", "out_of_range")},
        },
        "candidates": [_candidate(c, zones, today) for c in candidates],
    }


def _candidate(candidate: Candidate, zones: tuple[ZoneInfo, ...], today: date) -> dict[str, Any]:
    local = None if candidate.send_at is None else send_at_local(candidate.send_at, zones, today)
    return {
        "id": candidate.id,
        "kind": candidate.kind,
        "level": candidate.level,
        "channel": candidate.channel,
        "communication": candidate.communication,
        "profiling": candidate.profiling,
        "legal_action_threat": candidate.legal_action_threat,
        "send_at_local": local,
        "fees": [{"kind": f.kind, "amount_minor": to_minor(f.amount, f.currency), "currency": f.currency}
                 for f in candidate.fees],
    }


def _day(at: datetime, zone: ZoneInfo, today: date) -> dict[str, Any]:
    """The local date of a past event and how many whole local days before today it was."""
    local = at.astimezone(zone).date()
    return {"date": local.isoformat(), "age_days": (today - local).days}


def send_at_local(send_at: datetime, zones: tuple[ZoneInfo, ...], today: date) -> dict[str, Any]:
    """A planned send instant as the rules read it: its local date in the debtor's own zone
    (``zones[0]``) and how many days after today that is, and its wall-clock time in every zone
    the debtor may be in, each read at the send instant itself, so a daylight-saving change
    between the decision and the send counts (12 CFR 1006.6(b)(1)(i), comment 6(b)(1)(i)-2)."""
    day = send_at.astimezone(zones[0]).date()
    local = [(zone.key, send_at.astimezone(zone)) for zone in zones]
    return {"date": day.isoformat(), "days_ahead": (day - today).days,
            "zones": [{"timezone": key, "hour": t.hour, "minute": t.minute} for key, t in local]}


def _validation_notice(sent_on: date | None, today: date) -> dict[str, Any]:
    """12 CFR 1006.34: the day the validation notice was sent and how many days before today the
    consumer is assumed to have received it (1006.34(b)(5): five days after sending, not counting
    Saturdays, Sundays and legal public holidays); negative while that day lies ahead."""
    if sent_on is None:
        return {"validation_notice_sent_on": None, "validation_notice_receipt_age_days": None}
    return {"validation_notice_sent_on": sent_on.isoformat(),
            "validation_notice_receipt_age_days": (today - assumed_receipt(sent_on)).days}


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None
