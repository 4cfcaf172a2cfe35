"""The runtime: everything a request needs, built once per app (never at import).

Hung on ``app.extensions["fairdun"]``; CLI commands build an app and use the
same object, so the API, the CLI and the tests share one wiring.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from decisions.decider import Decider, Services
from decisions.events import EventRecorder
from decisions.pipeline import DecisionContext
from decisions.policy import EmbeddedEngine, PolicyEngine, PolicyError, UnavailableEngine, load_bundle
from decisions.risk import ModelUnavailable, RiskModel
from decisions.runs import Runs
from decisions.strategy import load_ladder
from explain import ModelError, default_artifact_path, default_sha256, load_model
from ledger import Database
from retention import KeyVault, Pseudonymizer, load_or_create_key

__all__ = ["Runtime", "build_runtime", "utc_now", "new_uuid"]

log = logging.getLogger(__name__)


def utc_now() -> datetime:
    return datetime.now(UTC)


def new_uuid() -> str:
    return str(uuid.uuid4())


@dataclass
class Runtime:
    config: dict[str, Any]
    db: Database
    context: DecisionContext
    vault: KeyVault
    pseudonyms: Pseudonymizer
    clock: Callable[[], datetime]
    new_id: Callable[[], str]
    decider: Decider = field(init=False)
    events: EventRecorder = field(init=False)
    runs: Runs = field(init=False)
    runner: Any = field(init=False)   # service.runner.RunWorker, set by the app factory


def build_runtime(config: dict[str, Any]) -> Runtime:
    instance = Path(config["INSTANCE_PATH"])
    instance.mkdir(parents=True, exist_ok=True)
    clock: Callable[[], datetime] = config.get("CLOCK") or utc_now
    new_id: Callable[[], str] = config.get("NEW_ID") or new_uuid
    db = Database(config["DATABASE_URL"])
    vault = KeyVault(master_key=load_or_create_key(instance, "master"))
    pseudonyms = Pseudonymizer(key=load_or_create_key(instance, "pseudonym"))
    runtime = Runtime(config=config, db=db, vault=vault, pseudonyms=pseudonyms, clock=clock, new_id=new_id,
                      context=DecisionContext(model=load_risk_model(config), policy=load_policy_engine(config),
                                              ladder=load_ladder(config.get("LADDER"))))
    # Services read the runtime's current context on every decision, so a newly
    # approved model or activated policy bundle takes effect without a restart.
    services = Services(db=db, context=lambda: runtime.context, vault=vault, pseudonyms=pseudonyms, clock=clock,
                        new_id=new_id)
    runtime.decider = Decider(services)
    runtime.runs = Runs(services, batch_size=int(config["RUNS_BATCH_SIZE"]))
    runtime.events = EventRecorder(db=db, pseudonyms=pseudonyms, clock=clock, new_id=new_id)
    return runtime


def load_risk_model(config: dict[str, Any]) -> RiskModel | ModelUnavailable:
    """The configured artifact, checked against its expected SHA-256; an artifact
    that fails the check makes every decision that needs it held."""
    path = config.get("MODEL_ARTIFACT") or default_artifact_path()
    expected = config.get("MODEL_SHA256") or (default_sha256() if not config.get("MODEL_ARTIFACT") else None)
    try:
        return load_model(path, expected_sha256=expected)
    except (ModelError, OSError) as exc:
        log.error("risk model unavailable, decisions needing it will be held: %s", exc)
        return ModelUnavailable(reason=str(exc)[:200], id=Path(path).stem, sha256=expected)


def load_policy_engine(config: dict[str, Any]) -> PolicyEngine:
    try:
        return EmbeddedEngine(load_bundle(config.get("POLICY_BUNDLE")))
    except (PolicyError, OSError) as exc:
        log.error("policy engine unavailable, every decision will be held: %s", exc)
        return UnavailableEngine(reason=str(exc)[:200])
