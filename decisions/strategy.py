"""Strategy: the escalation ladder (data in ``ladder.json``) turned into ranked
candidate actions for one situation. The strategy proposes; the policy gate
decides what is lawful; the first lawful candidate is chosen. ``none`` (wait) is
always the last candidate.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from decimal import ROUND_DOWN, Decimal
from importlib import resources
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from explain import band_of as _band_of

from .money import currency_exponent
from .sendtime import NoSendTime, Window, plan_send_time
from .situation import Situation

__all__ = ["Fee", "Candidate", "Proposal", "Ladder", "load_ladder", "band_of", "hour_window", "propose"]

_TONE_ORDER = ("gentle", "neutral", "firm")


@dataclass(frozen=True, slots=True)
class Fee:
    kind: str
    amount: Decimal
    currency: str
    basis: str


@dataclass(frozen=True, slots=True)
class Candidate:
    id: str
    kind: str
    level: int | None = None
    channel: str | None = None
    tone: str | None = None
    send_at: datetime | None = None
    fees: tuple[Fee, ...] = ()
    template: str | None = None
    profiling: bool = False
    notices: tuple[str, ...] = ()          # disclosures the ladder puts into the message itself
    legal_action_threat: bool = False      # the message announces court action (see the ladder's level)
    send_hour: int | None = None           # an experiment's send-hour option: the same message at that local hour

    @property
    def communication(self) -> bool:
        return self.channel is not None


@dataclass(frozen=True, slots=True)
class Proposal:
    candidates: tuple[Candidate, ...]
    rationale: str                 # why these candidates: "closed", "settled", "not_due_yet", "next_level", "wait"
    next_step_on: date | None = None


@dataclass(frozen=True)
class Ladder:
    version: str
    data: dict[str, Any] = field(repr=False)
    sha256: str = ""

    @property
    def send_window(self) -> Window:
        w = self.data["send_window"]
        return Window.parse(w["not_before"], w["not_after"], w["weekdays"])


def load_ladder(path: str | Path | None = None) -> Ladder:
    raw = (Path(path).read_bytes() if path is not None
           else resources.files("decisions").joinpath("ladder.json").read_bytes())
    data = json.loads(raw)
    return Ladder(version=data["version"], data=data, sha256=hashlib.sha256(raw).hexdigest())


def band_of(p_late: float, cutoffs: Mapping[str, float]) -> str:
    """The band of a calibrated ``p_late``. The cut-offs are the approved model's (its artifact
    carries them, derived for stated target shares when it was trained and again when it was
    approved): the ladder names the bands and what each changes, never their probabilities."""
    return _band_of(p_late, cutoffs)


def propose(situation: Situation, *, band: str | None, ladder: Ladder, send_hours: tuple[int, ...] = ()) -> Proposal:
    """Ranked candidates for ``situation``; ``band`` is None when profiling is off. ``send_hours``
    (an experiment on the send hour) adds, after the ranked candidates, each message again at
    each of those local hours (``Candidate.send_hour``), so the gate checks every option an arm
    may take; they are never chosen but by an experiment."""
    if situation.closed:
        return Proposal((Candidate(id="c0", kind="none"),), rationale="closed")
    if situation.settled:
        return Proposal((Candidate(id="c0", kind="none"),), rationale="settled")
    step = _next_level(situation, band, ladder)
    if step is None:
        return Proposal((Candidate(id="c0", kind="none"),), rationale="ladder_exhausted")
    level, due_on = step
    if due_on > situation.today:
        return Proposal((Candidate(id="c0", kind="none"),), rationale="wait", next_step_on=due_on)

    # kind, level, channel, tone, threatens legal action, the message without the announcement
    specs: list[tuple[str, int, str | None, str | None, bool, bool]] = []
    plan = ladder.data["payment_plan_offer"]
    if _offers_plan(situation, band, level["level"], plan):
        specs += [("payment_plan_offer", level["level"], channel, plan["tone"], False, False)
                  for channel in plan["channels"]]
    tone = _tone(band, level["level"], ladder)
    channels = level["channels"] or [None]
    threat = bool(level.get("threatens_legal_action"))
    for kind in level["kinds"]:
        specs += [(kind, level["level"], channel, tone if channel else None, threat, False) for channel in channels]
    if threat:
        # The same messages without the announcement of court action, for when the policy may
        # not let it be made (e.g. a time-barred claim: 12 CFR 1006.26(b); BGB §§ 195, 199, 214).
        specs += [(kind, level["level"], channel, tone if channel else None, False, True)
                  for kind in level["kinds"] for channel in channels]

    # one moment inside the ladder's hours in every zone the debtor may be in, read at that moment
    send_at = plan_send_time(situation.case.as_of, situation.case.debtor.possible_timezones,
                             courtesy=[ladder.send_window])
    profiling = band is not None
    candidates = [
        Candidate(
            id=f"c{index}", kind=kind, level=lvl, channel=channel, tone=tone_,
            send_at=send_at if channel else None,
            fees=_fees(situation, kind, lvl, ladder),
            template=_template(kind, lvl, tone_, situation.case.debtor.language, ladder,
                               without_legal_action=without),
            profiling=profiling,
            notices=_notices(situation, kind, ladder) if channel else (),
            legal_action_threat=threatens,
        )
        for index, (kind, lvl, channel, tone_, threatens, without) in enumerate(specs)
    ]
    candidates.append(Candidate(id=f"c{len(candidates)}", kind="none"))
    for hour in send_hours:
        try:
            at_hour = plan_send_time(situation.case.as_of, situation.case.debtor.possible_timezones,
                                     courtesy=[hour_window(hour)])
        except NoSendTime:
            continue   # no such moment in the search horizon: the arm's option is not offered
        candidates += [replace(c, id=f"{c.id}h{hour}", send_at=at_hour, send_hour=hour)
                       for c in candidates if c.channel and c.send_hour is None]
    return Proposal(tuple(candidates), rationale="next_level")


def hour_window(hour: int) -> Window:
    """The local hour ``hour``:00 to ``hour + 1``:00 (an experiment arm's send hour)."""
    return Window(time(hour), time(hour + 1) if hour < 23 else time.max)


def _next_level(situation: Situation, band: str | None, ladder: Ladder) -> tuple[dict[str, Any], date] | None:
    """The next rung above the level reached, and the day it becomes due."""
    reached = situation.level_reached
    due_on = situation.case.invoice.due_on
    last = situation.last_notice_at
    for level in ladder.data["levels"]:
        if level["level"] <= reached:
            continue
        if "bands" in level and band not in level["bands"]:
            continue   # e.g. pre-due reminders only for high-risk debtors, never without profiling
        until = level.get("until_days_past_due")
        if until is not None and situation.days_past_due > until:
            continue   # that rung's window has passed
        ready = due_on + timedelta(days=level["from_days_past_due"])
        if last is not None:
            last_day = last.astimezone(ZoneInfo(situation.case.debtor.timezone)).date()
            ready = max(ready, last_day + timedelta(days=level.get("min_days_since_last_notice", 0)))
        return level, ready
    return None


def _offers_plan(situation: Situation, band: str | None, level: int, plan: dict[str, Any]) -> bool:
    if situation.case.debtor.kind not in plan["debtor_kinds"]:
        return False
    if band is None:
        return level >= plan["without_profiling_from_level"]
    return band in plan["bands"] and level >= plan["from_level"]


def _tone(band: str | None, level: int, ladder: Ladder) -> str:
    rules = ladder.data["tone"]
    tone = rules["without_profiling"] if band is None else rules["by_band"][band]
    floor = rules["at_least_by_level"].get(str(level))
    if floor is not None and _TONE_ORDER.index(floor) > _TONE_ORDER.index(tone):
        return floor
    return tone


def _fees(situation: Situation, kind: str, level: int, ladder: Ladder) -> tuple[Fee, ...]:
    invoice, debtor = situation.case.invoice, situation.case.debtor
    fees = []
    for fee in ladder.data["fees"]:
        if (fee["jurisdiction"] != debtor.country or kind not in fee["actions"] or level < fee["from_level"]
                or level > fee.get("until_level", level) or fee["currency"] != invoice.currency
                or debtor.kind not in fee.get("debtor_kinds", (debtor.kind,))):
            continue
        amount = _interest_bound(situation, fee) if "upper_bound_annual_percent" in fee else Decimal(fee["amount"])
        if amount > 0:
            fees.append(Fee(kind=fee["kind"], amount=amount, currency=fee["currency"], basis=fee["basis"]))
    return tuple(fees)


def _interest_bound(situation: Situation, fee: dict[str, Any]) -> Decimal:
    """Default interest proposed as an upper bound (open amount at the ladder's rate since the
    due date); the policy gate caps it at the statutory amount (e.g. BGB § 288)."""
    days = max(situation.days_past_due, 0)
    amount = situation.case.invoice.open_amount * Decimal(fee["upper_bound_annual_percent"]) / 100 * days / 365
    exponent = Decimal(1).scaleb(-(currency_exponent(fee["currency"]) or 0))
    return amount.quantize(exponent, rounding=ROUND_DOWN)


def _notices(situation: Situation, kind: str, ladder: Ladder) -> tuple[str, ...]:
    """Disclosures the ladder writes into a message (e.g. the warning of a credit-bureau report
    that BDSG § 31(2) Nr. 4 lit. c requires before one may be made)."""
    country = situation.case.debtor.country
    return tuple(sorted({n["notice"] for n in ladder.data.get("notices", [])
                         if country in n["countries"] and kind in n["kinds"]}))


def _template(kind: str, level: int, tone: str | None, language: str, ladder: Ladder, *,
              without_legal_action: bool = False) -> str:
    lang = language if language in ladder.data["template_languages"] else "en"
    pattern = ladder.data["template_without_legal_action" if without_legal_action else "template"]
    return pattern.format(kind=kind, level=level, tone=tone or "neutral", language=lang)
