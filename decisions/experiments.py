"""Experiments a compliance officer pre-registers, starts and stops: their record is the ledger.

An experiment compares arms that differ in one lawful, equally gentle factor of a decision's
action (the channel, the send hour, the wording variant), never its level, fees or a threat
(issue 19). Its life is four kinds of ledger entry, each appended in the caller's transaction:

- ``experiment_registered``: the pre-registration (name, hypothesis, primary metric, factor,
  arms, population, guardrails, seed), before any decision is allocated;
- ``experiment_started`` and ``experiment_stopped``: decisions recorded in between are allocated;
- ``experiment_arm_stopped``: one arm takes no more decisions (a guardrail breach or a person).

The state served is folded from those entries on every read (``experiments``), so there is no
copy of it that verification would have to check: what the API shows is what the chain holds.
Bodies carry no personal data (the hypothesis is the officer's text about the design).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ledger import append
from ledger.chain import lock_head
from ledger.tables import LedgerEntry
from ledger.timestamps import rfc3339

__all__ = ["ARM_STOP_REASONS", "EXPERIMENT_KINDS", "FACTORS", "GUARDRAIL_METRICS", "OUTCOME_METRICS", "Allocation",
           "Arm", "Experiment", "ExperimentError", "TransitionRefused", "UnknownExperiment", "allocate", "experiment",
           "experiments", "register", "running", "start", "state_seq", "stop", "stop_arm"]

REGISTERED, STARTED, STOPPED, ARM_STOPPED = ("experiment_registered", "experiment_started", "experiment_stopped",
                                             "experiment_arm_stopped")
EXPERIMENT_KINDS = (REGISTERED, STARTED, STOPPED, ARM_STOPPED)
FACTORS = ("channel", "send_hour", "wording")
OUTCOME_METRICS = ("paid_7d", "paid_14d", "paid_30d")
GUARDRAIL_METRICS = ("dispute_rate", "complaint_rate", "opt_out_rate", "review_request_rate")
ARM_STOP_REASONS = ("guardrail", "officer")

Actor = Mapping[str, str]


class ExperimentError(Exception):
    code = "experiment_error"


class UnknownExperiment(ExperimentError):
    code = "unknown_experiment"


class TransitionRefused(ExperimentError):
    code = "transition_refused"


@dataclass(frozen=True, slots=True)
class Arm:
    name: str
    value: str | int
    stopped: dict[str, Any] | None = None     # {reason, detail, at, seq} once the arm takes no decisions

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "value": self.value, "stopped": self.stopped}


@dataclass(frozen=True, slots=True)
class Experiment:
    id: str
    spec: dict[str, Any]                      # the pre-registration as recorded
    arms: tuple[Arm, ...]
    status: str                               # registered | running | stopped
    registered_at: str
    started_at: str | None = None
    stopped_at: str | None = None
    ledger: dict[str, int] = field(default_factory=dict)

    @property
    def active_arms(self) -> tuple[Arm, ...]:
        return tuple(a for a in self.arms if a.stopped is None) if self.status == "running" else ()

    def arm(self, name: str) -> Arm:
        for arm in self.arms:
            if arm.name == name:
                return arm
        raise UnknownExperiment(f"experiment {self.id} has no arm {name!r}")

    def as_dict(self) -> dict[str, Any]:
        spec = {k: v for k, v in self.spec.items() if k != "arms"}
        return {"id": self.id, **spec, "arms": [a.as_dict() for a in self.arms], "status": self.status,
                "registered_at": self.registered_at, "started_at": self.started_at, "stopped_at": self.stopped_at,
                "ledger": dict(self.ledger)}


@dataclass(frozen=True, slots=True)
class Allocation:
    """The arm a claim is allocated to, with every arm that could have been drawn (for the
    probability of the action that follows)."""

    experiment_id: str
    factor: str
    arm: str
    value: str | int
    arms: tuple[tuple[str, str | int], ...]    # (name, value) of every active arm, in registration order

    @property
    def propensity(self) -> float:
        return 1 / len(self.arms)


def allocate(running: Sequence[Experiment], *, claim_id: str, jurisdiction: str, debtor_kind: str,
             vulnerable: bool, profiling: bool, under_review: bool) -> Allocation | None:
    """The arm of the first running experiment whose population holds the claim, or None.

    Never allocated: vulnerable debtors, debtors who objected to profiling (``profiling`` false)
    and claims under review (``under_review``: a review case is open, or a reviewer's overturn
    paused escalation). The draw is a hash of the experiment's seed, its id and the pseudonymous
    claim id, uniform over the active arms: the same claim stays in its arm while the arms do not
    change, and an auditor can recompute every allocation from the ledger."""
    if vulnerable or not profiling or under_review:
        return None
    for candidate in running:
        arms = candidate.active_arms
        population = candidate.spec["population"]
        if not arms or debtor_kind not in population["debtor_kinds"] or not any(
                jurisdiction == place or jurisdiction.startswith(place + "-") for place in population["jurisdictions"]):
            continue
        digest = hashlib.sha256(f"{candidate.spec['seed']}|{candidate.id}|{claim_id}".encode()).digest()
        drawn = arms[int.from_bytes(digest[:8], "big") * len(arms) >> 64]
        return Allocation(experiment_id=candidate.id, factor=candidate.spec["factor"], arm=drawn.name,
                          value=drawn.value, arms=tuple((a.name, a.value) for a in arms))
    return None


def state_seq(session: Session) -> int | None:
    """The seq of the latest experiment entry: the experiments changed when it did."""
    return session.scalar(select(func.max(LedgerEntry.seq)).where(LedgerEntry.kind.in_(EXPERIMENT_KINDS)))


def running(session: Session) -> tuple[Experiment, ...]:
    return tuple(e for e in experiments(session).values() if e.status == "running")


def experiments(session: Session, *, size: int | None = None) -> dict[str, Experiment]:
    """Every experiment as its ledger entries make it, in registration order; with ``size``, as
    the first ``size`` entries make it (an audit report's period end)."""
    found: dict[str, Experiment] = {}
    query = select(LedgerEntry.seq, LedgerEntry.kind, LedgerEntry.entry).where(LedgerEntry.kind.in_(EXPERIMENT_KINDS))
    if size is not None:
        query = query.where(LedgerEntry.seq < size)
    rows = session.execute(query.order_by(LedgerEntry.seq))
    for seq, kind, entry in rows:
        body = json.loads(entry)["body"]
        at = body["at"]
        if kind == REGISTERED:
            spec = body["spec"]
            found[body["experiment_id"]] = Experiment(
                id=body["experiment_id"], spec=spec, status="registered", registered_at=at,
                arms=tuple(Arm(a["name"], a["value"]) for a in spec["arms"]), ledger={"registered": seq})
            continue
        current = found[body["experiment_id"]]
        if kind == STARTED:
            found[current.id] = replace(current, status="running", started_at=at,
                                        ledger={**current.ledger, "started": seq})
        elif kind == STOPPED:
            found[current.id] = replace(current, status="stopped", stopped_at=at,
                                        ledger={**current.ledger, "stopped": seq})
        else:
            stopped = {"reason": body["reason"], "detail": body.get("detail"), "at": at, "seq": seq}
            found[current.id] = replace(current, arms=tuple(
                replace(a, stopped=stopped) if a.name == body["arm"] else a for a in current.arms))
    return found


def experiment(session: Session, experiment_id: str) -> Experiment:
    try:
        return experiments(session)[experiment_id]
    except KeyError:
        raise UnknownExperiment(f"no experiment {experiment_id}") from None


def register(session: Session, spec: dict[str, Any], *, experiment_id: str, now: datetime,
             actor: Actor) -> Experiment:
    """Pre-register ``spec`` (validated by the caller: ``service.schemas.experiment``)."""
    lock_head(session)
    if any(e.spec["name"] == spec["name"] for e in experiments(session).values()):
        raise TransitionRefused(f"an experiment named {spec['name']!r} is already registered")
    _append(session, REGISTERED, {"experiment_id": experiment_id, "spec": spec}, now=now, actor=actor)
    return experiment(session, experiment_id)


def start(session: Session, experiment_id: str, *, now: datetime, actor: Actor) -> Experiment:
    lock_head(session)   # serialise status changes: read and append under the ledger head's lock
    current = experiment(session, experiment_id)
    if current.status != "registered":
        raise TransitionRefused(f"experiment {experiment_id} is {current.status}; only a registered one starts")
    _append(session, STARTED, {"experiment_id": experiment_id}, now=now, actor=actor)
    return experiment(session, experiment_id)


def stop(session: Session, experiment_id: str, *, now: datetime, actor: Actor, note: str | None = None) -> Experiment:
    lock_head(session)
    current = experiment(session, experiment_id)
    if current.status == "stopped":
        raise TransitionRefused(f"experiment {experiment_id} is stopped already")
    _append(session, STOPPED, {"experiment_id": experiment_id, "note": note}, now=now, actor=actor)
    return experiment(session, experiment_id)


def stop_arm(session: Session, experiment_id: str, arm: str, *, reason: str, detail: dict[str, Any] | None,
             now: datetime, actor: Actor) -> Experiment:
    """Stop one arm: no decision is allocated to it any more (the others go on)."""
    if reason not in ARM_STOP_REASONS:
        raise ValueError(f"reason must be one of {ARM_STOP_REASONS}")
    lock_head(session)
    current = experiment(session, experiment_id)
    if current.status != "running":
        raise TransitionRefused(f"experiment {experiment_id} is {current.status}; only a running one stops arms")
    if current.arm(arm).stopped is not None:
        raise TransitionRefused(f"arm {arm!r} of experiment {experiment_id} is stopped already")
    _append(session, ARM_STOPPED, {"experiment_id": experiment_id, "arm": arm, "reason": reason, "detail": detail},
            now=now, actor=actor)
    return experiment(session, experiment_id)


def _append(session: Session, kind: str, body: dict[str, Any], *, now: datetime, actor: Actor) -> None:
    append(session, kind=kind, body={**body, "at": rfc3339(now), "actor": dict(actor)}, ts=now)
