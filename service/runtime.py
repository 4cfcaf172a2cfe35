"""The runtime: everything a request needs, built once per app (never at import).

Hung on ``app.extensions["fairdun"]``; CLI commands build an app and use the
same object, so the API, the CLI and the tests share one wiring.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from decisions import experiments
from decisions.decider import Decider, Services
from decisions.events import EventRecorder
from decisions.experiments import Experiment
from decisions.pipeline import DecisionContext
from decisions.policy import PolicyEngine, PolicyError, UnavailableEngine, build_engine, load_bundle
from decisions.policy.data_warnings import bundle_warnings
from decisions.rights import Calendar, PortalAccess, RightsConfig, RightsContext
from decisions.risk import ModelUnavailable, RiskModel
from decisions.runs import Runs
from decisions.strategy import load_ladder
from explain import ModelError, default_artifact_path, default_sha256
from explain.registry import ArtifactSource, Registry, RegistryState, load_artifact_model
from ledger import Database
from retention import KeyVault, Pseudonymizer, load_or_create_key, load_schedule

from .config import message_settings

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
    rights: RightsContext = field(init=False)
    runner: Any = field(init=False)   # service.runner.RunWorker, set by the app factory
    models: Registry = field(init=False)
    model_state: RegistryState = field(init=False)
    experiments_seq: int | None = None   # the latest experiment entry the context's experiments reflect
    _model_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def current_context(self) -> DecisionContext:
        """The context for the next decision. The registry is read first (one small query): when
        its approved version changed (an approval or retirement in any process), the model is
        switched before anything is scored."""
        state = self.models.state()
        seq, running = self._experiments()
        with self._model_lock:
            if state != self.model_state:
                self.context = replace(self.context, model=risk_model_for(self.models, state))
                self.model_state = state
            if running is not None:
                self.context = replace(self.context, experiments=running)
                self.experiments_seq = seq
            return self.context

    def _experiments(self) -> tuple[int | None, tuple[Experiment, ...] | None]:
        """The latest experiment entry's seq, and the running experiments when it moved (one
        small query otherwise). Unreadable: the experiments known so far stay; the decision's own
        transaction then meets the same database."""
        try:
            with self.db.reading() as session:
                seq = experiments.state_seq(session)
                return seq, (experiments.running(session) if seq != self.experiments_seq else None)
        except SQLAlchemyError as exc:
            log.error("experiments unreadable: %s", type(exc).__name__)
            return self.experiments_seq, None

    def policy_warnings(self) -> list[dict[str, Any]]:
        """What the data of the deciding bundle lacks today (UTC), such as a missing German base-rate
        period (``decisions.policy.data_warnings``): listed by /health and on the console's home."""
        return bundle_warnings(self.context.policy, today=self.clock().astimezone(UTC).date())


def build_runtime(config: dict[str, Any]) -> Runtime:
    instance = Path(config["INSTANCE_PATH"])
    instance.mkdir(parents=True, exist_ok=True)
    clock: Callable[[], datetime] = config.get("CLOCK") or utc_now
    new_id: Callable[[], str] = config.get("NEW_ID") or new_uuid
    db = Database(config["DATABASE_URL"])
    vault = KeyVault(master_key=load_or_create_key(instance, "master"))
    pseudonyms = Pseudonymizer(key=load_or_create_key(instance, "pseudonym"))
    models = model_registry(config, db)
    model_state = models.state_at_start()
    runtime = Runtime(config=config, db=db, vault=vault, pseudonyms=pseudonyms, clock=clock, new_id=new_id,
                      context=DecisionContext(model=risk_model_for(models, model_state),
                                              policy=load_policy_engine(config),
                                              ladder=load_ladder(config.get("LADDER")),
                                              global_stop=global_stop_of(config)))
    runtime.models, runtime.model_state = models, model_state
    # Services read the runtime's current context on every decision, so a newly
    # approved model or activated policy bundle takes effect without a restart.
    rights = RightsConfig(schedule=load_schedule(config.get("RETENTION_SCHEDULE")),
                          calendar=Calendar.parse(config.get("RIGHTS_TIMEZONE") or "Europe/Berlin",
                                                  config.get("RIGHTS_HOLIDAYS")),
                          portal=PortalAccess(key=load_or_create_key(instance, "portal")))
    messages = message_settings(config)
    services = Services(db=db, context=runtime.current_context, vault=vault, pseudonyms=pseudonyms, clock=clock,
                        new_id=new_id, rights=rights, messages=messages)
    runtime.rights = RightsContext(db=db, vault=vault, pseudonyms=pseudonyms, config=rights, clock=clock,
                                   new_id=new_id, policy=lambda: runtime.current_context().policy,
                                   controller=messages.controller)
    runtime.decider = Decider(services)
    runtime.runs = Runs(services, batch_size=int(config["RUNS_BATCH_SIZE"]),
                        slice_size=int(config["RUNS_SLICE_SIZE"] or (20 if db.is_sqlite else 50)))
    runtime.events = EventRecorder(db=db, pseudonyms=pseudonyms, clock=clock, new_id=new_id)
    return runtime


def deployment_default(config: dict[str, Any]) -> ArtifactSource:
    """The model this deployment names: ``MODEL_ARTIFACT`` (checked against ``MODEL_SHA256``
    when set) or the shipped model with its recorded SHA-256."""
    if config.get("MODEL_ARTIFACT"):
        return ArtifactSource(Path(config["MODEL_ARTIFACT"]), config.get("MODEL_SHA256") or None)
    return ArtifactSource(default_artifact_path(), config.get("MODEL_SHA256") or default_sha256())


def model_registry(config: dict[str, Any], db: Database) -> Registry:
    return Registry(db=db, instance_path=config["INSTANCE_PATH"], default=deployment_default(config))


def risk_model_for(models: Registry, state: RegistryState) -> RiskModel | ModelUnavailable:
    """The model ``state`` names; one that is missing or fails its checks (SHA-256, schema,
    monotonicity) makes every decision that needs it held."""
    try:
        return models.model(state)
    except (ModelError, OSError) as exc:
        log.error("risk model unavailable, decisions needing it will be held: %s", exc)
        if state.kind == "empty":   # the deployment default failed its checks
            return ModelUnavailable(reason=str(exc)[:200], id=models.default.path.stem, sha256=models.default.sha256)
        return ModelUnavailable(reason=str(exc)[:200], id=state.model_id, sha256=state.sha256)


def load_risk_model(config: dict[str, Any]) -> RiskModel | ModelUnavailable:
    """The model that scores live decisions, for a process without a runtime (batch workers):
    the registry's approved version when ``DATABASE_URL`` is configured (the deployment default
    while nothing is registered), else the deployment default."""
    if not config.get("DATABASE_URL"):
        default = deployment_default(config)
        try:
            return load_artifact_model(default)
        except (ModelError, OSError) as exc:
            log.error("risk model unavailable, decisions needing it will be held: %s", exc)
            return ModelUnavailable(reason=str(exc)[:200], id=default.path.stem, sha256=default.sha256)
    db = Database(config["DATABASE_URL"])
    try:
        models = model_registry(config, db)
        return risk_model_for(models, models.state_at_start())
    finally:
        db.dispose()


def load_policy_engine(config: dict[str, Any]) -> PolicyEngine:
    """The configured bundle in the configured engine (``POLICY_ENGINE``, or the OPA server at
    ``OPA_URL``), once its Rego tests passed there; an engine that refuses every case otherwise."""
    url = config.get("OPA_URL") or None
    kind = str(config.get("POLICY_ENGINE") or "opa")
    name = "opa-server" if url else {"opa": "opa-embedded"}.get(kind, kind)
    bundle_sha256 = None
    try:
        bundle = load_bundle(config.get("POLICY_BUNDLE"))
        bundle_sha256 = bundle.sha256
        return build_engine(bundle, kind=kind, opa_url=url, opa_timeout=float(config.get("OPA_TIMEOUT") or 2.0))
    except (PolicyError, OSError, ValueError) as exc:
        log.error("policy engine unavailable, every decision will be held: %s", exc)
        return UnavailableEngine(reason=str(exc)[:300], name=name, bundle_sha256=bundle_sha256)


def global_stop_of(config: dict[str, Any]) -> bool:
    """``GLOBAL_STOP`` as a flag (``FAIRDUN_GLOBAL_STOP=true``, ``1``, ``yes`` or ``on``)."""
    value = config.get("GLOBAL_STOP")
    return value is True or str(value).strip().lower() in ("1", "true", "yes", "on")
