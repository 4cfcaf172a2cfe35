"""The path of one decision (DESIGN.md), free of HTTP and of the database:

situation → risk (glass-box model, skipped without profiling) → ranked candidates
(ladder) → ONE policy evaluation over all candidates → first lawful candidate with
its obligations applied → explanation.

Fail closed: when the model or the policy engine fails, or nothing (not even
waiting) is confirmed lawful, the decision is ``held`` with the reason and no
action. Recording happens elsewhere (``recording.py``), in one transaction.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from explain import Model
from explain.counterfactual import counterfactual_hint
from explain.reasons import principal_reasons
from ledger.timestamps import rfc3339

from . import explanation
from .case import Case
from .experiments import Allocation, Experiment, allocate
from .features import model_features
from .hints import HintCheck, hint_check, verified
from .money import exponent_of, format_amount, to_minor
from .policy import PolicyEngine, PolicyError, PolicyOutcome
from .policy_input import RightsStatus, policy_input
from .risk import ModelUnavailable, RiskModel
from .sendtime import NoSendTime, Window, plan_send_time
from .situation import Activity, Situation, situate
from .strategy import Candidate, Fee, Ladder, hour_window, propose

__all__ = ["DecisionContext", "Hold", "Decision", "Job", "evaluate", "evaluate_jobs", "hold_decision"]

log = logging.getLogger(__name__)
_DIGITS = 6   # rounding of scores in the contract and the ledger
_BANDS = ("low", "medium", "high")   # the model's bands, lowest risk first


@dataclass(frozen=True)
class DecisionContext:
    """Everything a decision depends on besides the case: reproducibility means
    the same case and the same context give the same decision."""

    model: RiskModel | ModelUnavailable
    policy: PolicyEngine
    ladder: Ladder
    global_stop: bool = False   # EU AI Act Art. 14(4)(e): every decision goes to a human (GLOBAL_STOP)
    experiments: tuple[Experiment, ...] = ()   # the running ones (decisions.experiments)


@dataclass(frozen=True, slots=True)
class Hold:
    code: str      # policy_error | model_unavailable | model_error | no_send_time | no_lawful_action | internal_error
                   # (and, at recording: ledger_error | message_error)
    detail: str    # technical; never personal data


@dataclass(frozen=True)
class Decision:
    decision_id: str
    case: Case
    status: str                           # decided | needs_review | held
    action: Candidate | None              # None when held
    notices: tuple[str, ...]
    risk: dict[str, Any]
    explanation: dict[str, Any]
    policy: dict[str, Any]
    strategy: dict[str, Any]
    hold: Hold | None = None
    policy_input: dict[str, Any] | None = field(default=None, repr=False)
    selection: dict[str, Any] | None = None     # the lawful candidates, the chosen one, its probability
    experiment: dict[str, Any] | None = None    # the experiment arm the decision was allocated to

    @property
    def executes(self) -> bool:
        """Whether the AR system is told to carry out a communication now."""
        return self.status == "decided" and self.action is not None and self.action.kind != "none"

    def document(self) -> dict[str, Any]:
        """The decision in the public contract's shape (without ``ledger``)."""
        return {
            "decision_id": self.decision_id,
            "as_of": rfc3339(self.case.as_of),
            "status": self.status,
            "action": _action_document(self.action, self.notices),
            "risk": self.risk,
            "explanation": self.explanation,
            "policy": self.policy,
            "strategy": self.strategy,
            "hold": {"code": self.hold.code, "detail": self.hold.detail} if self.hold else None,
            "selection": self.selection,
            "experiment": self.experiment,
        }


def evaluate(case: Case, *, decision_id: str, context: DecisionContext,
             remembered: tuple[Activity, ...] = (), profiling: bool = True,
             rights: RightsStatus = RightsStatus(), claim_id: str | None = None) -> Decision:
    """Decide what to do about ``case`` at ``case.as_of``; ``profiling`` is false after the debtor
    objected, ``rights`` the facts of the data-subject workflows (``decisions.rights.status``),
    ``claim_id`` the pseudonymous claim (what experiments allocate; None: never allocated).
    Never raises for a case that passed validation: an unexpected failure is a held decision."""
    return evaluate_jobs([Job(case, decision_id, remembered, profiling, rights, claim_id)], context)[0]


@dataclass(frozen=True, slots=True)
class Job:
    """One evaluation of a batch: everything ``evaluate`` needs besides the context."""

    case: Case
    decision_id: str
    remembered: tuple[Activity, ...]
    profiling: bool = True                 # looked up by the parent: workers have no database
    rights: RightsStatus = RightsStatus()
    claim_id: str | None = None            # pseudonymous; experiments allocate by it

    def evaluate(self, context: DecisionContext) -> Decision:
        return evaluate_jobs([self], context)[0]


def evaluate_jobs(jobs: list[Job], context: DecisionContext) -> list[Decision]:
    """Evaluate a batch in this process, with one policy query for all its cases (batch runs may
    spread batches over processes). Each case is decided exactly as ``evaluate`` decides it alone;
    only the number of queries to the policy engine differs."""
    # (1) each case up to its policy input (or a decision held before the gate)
    staged: list[Decision | _Staged] = []
    for job in jobs:
        frame = _Frame(
            situation=situate(job.case, job.remembered), decision_id=job.decision_id,
            lang=explanation.language_of(job.case.debtor.language),
            policy={"bundle_sha256": context.policy.bundle_sha256, "engine": context.policy.name,
                    "engine_version": context.policy.version},
            strategy={"ladder_version": context.ladder.version, "ladder_sha256": context.ladder.sha256},
            profiling=job.profiling,
            allocation=None if job.claim_id is None or not context.experiments else allocate(
                context.experiments, claim_id=job.claim_id, jurisdiction=job.case.debtor.jurisdiction,
                debtor_kind=job.case.debtor.kind, vulnerable=job.case.debtor.flags.vulnerable,
                profiling=job.profiling, under_review=job.rights.escalation_paused),
        )
        staged.append(_guarded(frame, context, lambda f=frame, j=job: _stage(f, context, rights=j.rights)))
    # (2) one policy query for every staged case (and the re-decision of each candidate hint)
    pending = [item for item in staged if isinstance(item, _Staged)]
    documents = [(id(item), "case", item.document) for item in pending]
    documents += [(id(item), "hint", item.hint_check.document) for item in pending if item.hint_check]
    answers: list[PolicyOutcome | Exception]
    try:
        answers = list(context.policy.evaluate_many([d for _, _, d in documents])) if documents else []
    except Exception as exc:  # an engine failing outside its contract: each case held (internal_error)
        answers = [exc] * len(documents)
    if len(answers) != len(documents):
        answers = [PolicyError("policy engine answered for another number of cases")] * len(documents)
    outcomes = {(key, kind): answer for (key, kind, _), answer in zip(documents, answers, strict=True)}
    # (3) each case finished: the first lawful candidate, its obligations, the explanation
    return [item if isinstance(item, Decision)
            else _guarded(item.frame, context, lambda i=item: _finish(i, outcomes[(id(i), "case")], context,
                                                                      hint=outcomes.get((id(i), "hint"))))
            for item in staged]


def hold_decision(decision: Decision, hold: Hold) -> Decision:
    """The decision held, keeping only what identifies it: used when it cannot be
    recorded as made (its content is then suspect, so scores and reasons go)."""
    lang = decision.explanation["language"]
    why = explanation.text(lang, "held_reason", hold.code)
    risk = {**decision.risk, "p_late": None, "band": None, "uncertainty": None, "interval": None,
            "interval_bands": None, "out_of_range": None, "inputs": None}
    return replace(decision, status="held", action=None, notices=(), hold=hold, risk=risk, selection=None,
                   experiment=None,
                   explanation={"language": lang, "summary": explanation.text(lang, "summary", "held").format(why=why),
                                "reasons": [], "policy": []})


@dataclass(frozen=True)
class _Frame:
    """What every outcome of one evaluation shares."""

    situation: Situation
    decision_id: str
    lang: str
    policy: dict[str, Any]
    strategy: dict[str, Any]
    profiling: bool
    allocation: Allocation | None = None

    def held(self, hold: Hold, *, risk: dict[str, Any], policy_input: dict[str, Any] | None = None,
             trace: list[dict[str, Any]] | None = None, policy: dict[str, Any] | None = None) -> Decision:
        log.warning("decision %s held: %s", self.decision_id, hold.code)
        why = explanation.text(self.lang, "held_reason", hold.code)
        return Decision(
            decision_id=self.decision_id, case=self.situation.case, status="held", action=None, notices=(),
            risk=risk,
            explanation={
                "language": self.lang,
                "summary": explanation.text(self.lang, "summary", "held").format(why=why),
                "reasons": [],
                "policy": trace or [],
            },
            policy=policy or self.policy, strategy=self.strategy, hold=hold, policy_input=policy_input,
        )


@dataclass(frozen=True)
class _Staged:
    """A case scored and proposed, waiting for the policy gate."""

    frame: _Frame
    risk: dict[str, Any]
    score: Any
    hint_check: HintCheck | None
    proposal: Any
    document: dict[str, Any]


def _guarded(frame: _Frame, context: DecisionContext, step: Any) -> Any:
    try:
        return step()
    except Exception as exc:  # fail closed on anything unforeseen; the reason is recorded
        log.exception("decision %s held after an unexpected error", frame.decision_id)
        return frame.held(Hold("internal_error", type(exc).__name__), risk=_risk_unscored(context.model, frame.profiling))


def _stage(frame: _Frame, context: DecisionContext, *, rights: RightsStatus) -> Decision | _Staged:
    situation, lang = frame.situation, frame.lang
    # (1) risk from the glass-box model, unless the debtor objected to profiling: the calibrated
    # p_late, its band (the model's cut-offs), the safeguard's interval and the bands it reaches,
    # the inputs out of range, and the inputs themselves (what the model saw, for monitoring)
    score = hint = None
    risk = _risk_unscored(context.model, frame.profiling)
    if frame.profiling:
        if isinstance(context.model, ModelUnavailable):
            return frame.held(Hold("model_unavailable", context.model.reason), risk=risk)
        features = model_features(situation)
        try:
            score = context.model.score(features)
        except Exception as exc:  # explain.ModelError and anything the scorer did not foresee
            return frame.held(Hold("model_error", str(exc)[:200]), risk=risk)
        calibrated = getattr(score, "calibrated", None)
        if calibrated is None:   # fail closed: without its bands the score cannot choose a step
            return frame.held(Hold("model_error", f"model {score.model_id} has no calibrated risk bands"), risk=risk)
        risk = {**risk, "p_late": round(calibrated.p_late, _DIGITS), "band": calibrated.band,
                "uncertainty": round(score.uncertainty, _DIGITS),
                "interval": [round(calibrated.lower, _DIGITS), round(calibrated.upper, _DIGITS)],
                "interval_bands": list(calibrated.bands), "out_of_range": list(score.out_of_range),
                "inputs": dict(features)}
        hint = _counterfactual(context, features, calibrated.p_late, situation, lang)

    # (2) ranked candidates from the ladder, and the policy gate's input
    allocation = frame.allocation
    send_hours = tuple(sorted({int(v) for _, v in allocation.arms})) if allocation and allocation.factor == "send_hour" else ()
    proposal = propose(situation, band=risk["band"], ladder=context.ladder, send_hours=send_hours)
    document = policy_input(situation, proposal.candidates, risk=risk, global_stop=context.global_stop, rights=rights)
    check = hint_check(hint, situation, risk=risk, ladder=context.ladder, global_stop=context.global_stop,
                       rights=rights)
    return _Staged(frame=frame, risk=risk, score=score, hint_check=check, proposal=proposal, document=document)


def _finish(staged: _Staged, outcome: PolicyOutcome | Exception, context: DecisionContext, *,
            hint: PolicyOutcome | Exception | None = None) -> Decision:
    frame, risk, proposal, document = staged.frame, staged.risk, staged.proposal, staged.document
    situation, lang = frame.situation, frame.lang
    # (3) the policy gate's answer: one evaluation over all candidates
    if isinstance(outcome, PolicyError):
        return frame.held(Hold("policy_error", str(outcome)[:200]), risk=risk, policy_input=document)
    if isinstance(outcome, Exception):
        raise outcome   # held as internal_error by _guarded
    policy = {**frame.policy, "engine_version": outcome.engine_version or frame.policy["engine_version"]}

    # (4) the first lawful candidate (or an experiment arm's lawful option), its obligations applied
    verdicts = outcome.verdicts
    chosen = next((c for c in proposal.candidates if c.send_hour is None and verdicts[c.id].allow), None)
    if chosen is None:
        return frame.held(Hold("no_lawful_action", "every candidate was denied"), risk=risk,
                          policy_input=document, policy=policy,
                          trace=explanation.policy_trace(proposal.candidates, outcome.verdicts, None))
    selection = {"lawful": [_option_document(c) for c in proposal.candidates if verdicts[c.id].allow],
                 "chosen": chosen.id, "propensity": 1.0}
    experiment = None
    arm_trace: list[dict[str, Any]] = []
    ranked = chosen
    if frame.allocation is not None and chosen.communication:
        chosen, selection["propensity"], experiment, arm_trace = _arm_choice(
            chosen, frame.allocation, proposal.candidates, verdicts)
        selection["chosen"] = chosen.id
    obligations = verdicts[chosen.id].obligations
    try:
        action = _apply_obligations(chosen, obligations, situation, context.ladder)
    except NoSendTime as exc:
        return frame.held(Hold("no_send_time", str(exc)), risk=risk, policy_input=document, policy=policy)
    notices = tuple(sorted({o.params["notice"] for o in obligations if o.kind == "notice"} | set(chosen.notices)))
    needs_review = chosen.kind != "none" and any(o.kind == "human_review" for o in obligations)
    status = "needs_review" if needs_review else "decided"

    # (5) explanation
    why = ""
    if needs_review:
        # in plain words: the codes (special_category_data, forbearance) would tell the debtor what is held
        why = explanation.review_why(lang, [o.params.get("reason") for o in obligations if o.kind == "human_review"])
    reasons = (_model_reasons(staged.score, lang) if staged.score is not None
               else explanation.rule_reasons(lang, situation, action))
    return Decision(
        decision_id=frame.decision_id, case=situation.case, status=status, action=action, notices=notices,
        risk=risk,
        explanation={
            "language": lang,
            "summary": explanation.summary(lang, status=status, situation=situation, chosen=action,
                                           rationale=proposal.rationale, next_step_on=proposal.next_step_on,
                                           why=why),
            "reasons": reasons,
            "score_role": explanation.score_role(lang, situation=situation, chosen=action, band=risk["band"],
                                                 ladder=context.ladder, needs_review=needs_review),
            "counterfactual": verified(staged.hint_check, hint, chosen),
            "policy": explanation.policy_trace(proposal.candidates, verdicts, chosen, ranked=ranked) + arm_trace,
        },
        policy=policy, strategy=frame.strategy, policy_input=document, selection=selection, experiment=experiment,
    )


def _option_document(candidate: Candidate) -> dict[str, Any]:
    return {"id": candidate.id, "kind": candidate.kind, "level": candidate.level, "channel": candidate.channel,
            "tone": candidate.tone, "send_at": rfc3339(candidate.send_at) if candidate.send_at else None}


def _arm_option(default: Candidate, factor: str, value: Any, candidates: tuple[Candidate, ...]) -> Candidate | None:
    """The option an arm asks for in place of ``default``: the same message over the arm's
    channel, or at the arm's send hour; None when the ladder offers no such option."""
    if factor == "channel":
        same = (default.kind, default.level, default.tone, default.legal_action_threat)
        return next((c for c in candidates if c.send_hour is None and c.channel == value
                     and (c.kind, c.level, c.tone, c.legal_action_threat) == same), None)
    return next((c for c in candidates if c.id == f"{default.id}h{value}"), None)


def _arm_choice(default: Candidate, allocation: Allocation, candidates: tuple[Candidate, ...],
                verdicts: Any) -> tuple[Candidate, float, dict[str, Any], list[dict[str, Any]]]:
    """The allocated arm's option where the gate allows it, else the default (``applied``
    false, with the rules that refused the option in the trace); the probability with which
    the action taken was chosen over the draw of arms; the decision's ``experiment``."""
    def outcome(value: Any) -> Candidate:
        option = _arm_option(default, allocation.factor, value, candidates)
        return option if option is not None and verdicts[option.id].allow else default

    option = _arm_option(default, allocation.factor, allocation.value, candidates)
    chosen = outcome(allocation.value)
    propensity = sum(outcome(value).id == chosen.id for _, value in allocation.arms) / len(allocation.arms)
    refused = [] if option is None or chosen is option else list(verdicts[option.id].deny)
    experiment = {"id": allocation.experiment_id, "arm": allocation.arm, "propensity": allocation.propensity,
                  "applied": chosen is option,
                  "fallback": None if chosen is option else ("refused" if option is not None else "not_offered"),
                  "rules": [d.rule for d in refused]}
    trace = [{"rule": d.rule, "effect": "deny", "action": option.kind, "channel": option.channel,
              "citation": d.citation, "message": d.message} for d in refused if option is not None]
    return chosen, propensity, experiment, trace


def _apply_obligations(chosen: Candidate, obligations: tuple[Any, ...], situation: Situation,
                       ladder: Ladder) -> Candidate:
    if chosen.send_at is None:
        return chosen
    # a send window holds in every zone the debtor may be in, read at the send instant
    # (12 CFR 1006.6(b)(1)(i), comment 6(b)(1)(i)-2); the ladder's hours as the strategy planned them
    windows = [Window.parse(o.params["not_before"], o.params["not_after"], o.params.get("weekdays"))
               for o in obligations if o.kind == "send_window"]
    courtesy = ladder.send_window if chosen.send_hour is None else hour_window(chosen.send_hour)
    send_at = plan_send_time(situation.case.as_of, situation.case.debtor.possible_timezones,
                             courtesy=[courtesy], binding=windows)
    caps = [o.params for o in obligations if o.kind == "fee_cap"]
    fees = (_capped(fee, caps) for fee in chosen.fees)
    return replace(chosen, send_at=send_at, fees=tuple(fee for fee in fees if fee.amount > 0))


def _capped(fee: Fee, caps: list[dict[str, Any]]) -> Fee:
    """A fee no higher than any cap a policy set for its currency (and its kind, when the cap
    names one)."""
    minor = to_minor(fee.amount, fee.currency)
    for cap in caps:
        if cap["currency"] == fee.currency and cap.get("fee_kind", fee.kind) == fee.kind:
            minor = min(minor, int(cap["amount_minor"]))
    return replace(fee, amount=Decimal(minor).scaleb(-exponent_of(fee.currency)))


def _counterfactual(context: DecisionContext, features: dict[str, Any], p_late: float, situation: Situation,
                    lang: str) -> dict[str, Any] | None:
    """The one feature change within the observed range that would move the risk band
    (explain.counterfactual), for the glass-box model; None when there is none."""
    if not isinstance(context.model, Model):
        return None
    model = context.model
    hint = counterfactual_hint(model, features, p_late=p_late, band_of=model.band_of,
                               bands=_BANDS, today=situation.today, lang=lang)
    return hint and {**hint, "counterfactual_p_late": round(hint["counterfactual_p_late"], _DIGITS)}


def _model_reasons(score: Any, lang: str) -> list[dict[str, Any]]:
    return [{**reason, "contribution": round(reason["contribution"], _DIGITS)}
            for reason in principal_reasons(score, lang=lang, limit=4)]


def _risk_unscored(model: RiskModel | ModelUnavailable, profiling: bool) -> dict[str, Any]:
    return {"p_late": None, "band": None, "uncertainty": None, "interval": None, "interval_bands": None,
            "out_of_range": None, "inputs": None, "profiling": profiling,
            "model": {"id": model.id, "sha256": model.sha256} if profiling else None}


def _action_document(action: Candidate | None, notices: tuple[str, ...]) -> dict[str, Any]:
    if action is None:
        action = Candidate(id="", kind="none")
    return {
        "kind": action.kind,
        "level": action.level,
        "channel": action.channel,
        "tone": action.tone,
        "send_at": rfc3339(action.send_at) if action.send_at else None,
        "fees": [{"kind": f.kind, "amount": format_amount(f.amount, f.currency), "currency": f.currency,
                  "basis": f.basis} for f in action.fees],
        "template": action.template,
        "notices": list(notices),
    }
