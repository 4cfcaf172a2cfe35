"""Counterfactual hints, shown only when re-deciding the case confirms them.

``explain.counterfactual`` finds a candidate hint: the one change of one feature, within the
range seen in training, that would move the case into another risk band. Its catalogue lists only
changes a debtor can make (paying by a date); a dispute is never a feature, and a hint is never
given on a disputed claim. Whether the new band would change what fairdun does is a question for
the ladder and the policy gate, so the pipeline re-decides the case with that band, in the same
policy query as the decision itself, and keeps the hint only when the re-decision confirms it:

- **lower** (the debtor's change lowers the band): the re-decided action must be strictly gentler
  than the decision's, never harsher;
- **later** ("if the invoice is paid by D the assessment stays B; from D + 1 it would be B'"): the
  action re-decided with B' must be strictly stricter than the decision's. Paying by D (what the
  hint asks) keeps B, and with it the decision's action: never a harsher one.

Gentleness orders actions by kind (no action, payment-plan offer, pre-due reminder, reminder,
final notice, collection hand-over, credit-bureau report), then level, then tone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .policy import PolicyOutcome
from .policy_input import RightsStatus, policy_input
from .situation import Situation
from .strategy import Candidate, Ladder, Proposal, propose

__all__ = ["HintCheck", "harshness", "first_lawful", "hint_check", "verified"]

KIND_ORDER = ("none", "payment_plan_offer", "pre_due_reminder", "reminder", "final_notice",
              "collection_handover", "credit_bureau_report")
TONE_ORDER = (None, "gentle", "neutral", "firm")


def harshness(candidate: Candidate | None) -> tuple[int, int, int]:
    """Larger is harsher: (kind, level, tone)."""
    if candidate is None:
        return (0, 0, 0)
    return (KIND_ORDER.index(candidate.kind), candidate.level or 0, TONE_ORDER.index(candidate.tone))


def first_lawful(candidates: tuple[Candidate, ...], outcome: PolicyOutcome) -> Candidate | None:
    return next((c for c in candidates if outcome.verdicts[c.id].allow), None)


@dataclass(frozen=True)
class HintCheck:
    """A candidate hint and the case re-proposed with its band, waiting for the policy gate."""

    hint: dict[str, Any]
    proposal: Proposal
    document: dict[str, Any]


def hint_check(hint: dict[str, Any] | None, situation: Situation, *, risk: dict[str, Any], ladder: Ladder,
               global_stop: bool, rights: RightsStatus) -> HintCheck | None:
    """The re-decision that would confirm ``hint`` (None: no hint, or a disputed claim)."""
    if hint is None or situation.disputed:
        return None
    band = hint["counterfactual_band"]
    proposal = propose(situation, band=band, ladder=ladder)
    other = {**risk, "band": band, "p_late": hint["counterfactual_p_late"], "interval_bands": [band]}
    document = policy_input(situation, proposal.candidates, risk=other, global_stop=global_stop, rights=rights)
    return HintCheck(hint=hint, proposal=proposal, document=document)


def verified(check: HintCheck | None, outcome: PolicyOutcome | Exception | None,
             chosen: Candidate | None) -> dict[str, Any] | None:
    """The hint with what re-deciding gave, when that confirms it; else None (also when the
    re-decision failed: no hint is better than an unverified one)."""
    if check is None or chosen is None or not isinstance(outcome, PolicyOutcome):
        return None
    other = first_lawful(check.proposal.candidates, outcome)
    if other is None:
        return None
    if check.hint["change"] == "later":
        confirmed = harshness(other) > harshness(chosen)
    else:
        confirmed = harshness(other) < harshness(chosen)
    if not confirmed:
        return None
    return {**check.hint, "redecided": {"band": check.hint["counterfactual_band"], "kind": other.kind,
                                        "level": other.level, "tone": other.tone}}
