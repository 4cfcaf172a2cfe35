"""The model registry: versions, their governance, and which model scores live decisions.

A version's status moves one way: ``candidate`` (registered) -> ``approved`` -> ``retired``
(a candidate may also be retired without ever being approved). At most one version is approved
and only it scores live decisions; approving a version retires the one it replaces in the same
transaction, so there is no moment without an approved model. Every change is a ledger event
(``model_registered``, ``model_signed_off``, ``model_approved``, ``model_retired``) appended in the
same transaction as the registry row, with the acting party (an admin's API key id, the command
line, or the deployment) and an optional note. Registered artifacts are copied into
``<instance>/models/`` and loaded from there, checked against the SHA-256 recorded at registration.

**Sign-off.** An artifact whose own governance check found something (``governance.findings``:
a band whose observed late rate on the holdout misses its predicted rate, a fairness flag) says
``sign_off_required``. Such a version is approved only after a named person signed it off: a
``model_signed_off`` event naming the staff account (``staff:<id>``, as review outcomes name
their reviewer), the findings signed off and the rationale (at most ``MAX_NOTE`` characters, no
personal data: it is about the model, not about a debtor, so it stays readable in the ledger).
Without one, ``approve`` raises ``SignOffRequired`` naming the findings. The edges check that
the named account exists, is enabled and is a compliance officer or an admin.

**Challengers from the ledger.** A version trained on this installation's own decisions
(``training.mode == "ledger"``) replaces the champion only after a comparison with it on the same
recent outcomes (``explain.comparison``), recorded as ``model_compared`` against the version
approved now; without one, ``approve`` raises ``ComparisonRequired``. A failed non-inferiority check
is a finding like the artifact's own: approval then needs a sign-off recorded after that comparison.

**Cut-offs at approval.** The artifact carries its band cut-offs with the target shares they were
derived for and the calibration period's score distribution. Approval derives them again from that
distribution for those shares (``explain._bands.derive_cutoffs``), refuses the version if they
differ, and records shares and cut-offs in the ``model_approved`` event: the ledger says which
cut-offs the approver approved. (Other shares mean another artifact: retrain with
``--set band_shares=…``.)

A fresh installation (no version registered yet) decides with its *deployment default*: the
artifact the deployment names (``MODEL_ARTIFACT`` with ``MODEL_SHA256``, or the shipped model
pinned by ``explain/models/default.json``), approved by the act of deploying it. The first
governance action adopts that default into the registry, recorded in the ledger as registered
and approved by ``{"via": "deployment"}``, before the action itself; from then on only the
registry decides. When the default asks for a sign-off (the shipped model does), the adoption
records one too, before the approval: by the deployment itself (``signed_off_by: "deployment"``,
rationale ``DEPLOYMENT_SIGN_OFF``), unless the adopting action is a named person's sign-off of the
default, which is then the one recorded. The deployment's sign-off is visible as such (console,
card, audit report); a compliance officer can add a named one at any time (``fairdun demo`` does,
as its demo compliance officer). (An admin who approves the deployment default's id on a fresh registry
approves it in their own name.) Nothing is written at start-up, so an installation's ledger
begins with its first decision or governance action.
"""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import case, inspect, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from explain._artifact import artifact_bytes, parse_artifact, read_artifact, with_model_id
from explain._bands import derive_cutoffs
from explain._errors import ArtifactError, ModelError
from explain._model import Model, load_model
from explain.tables import ModelVersionRow
from ledger import Database, append
from ledger.chain import lock_head
from ledger.tables import LedgerEntry
from ledger.timestamps import as_utc, rfc3339

__all__ = [
    "Registry",
    "RegistryError",
    "ComparisonRequired",
    "latest_comparison",
    "COMPARED_KIND",
    "UnknownModel",
    "ArtifactRefused",
    "TransitionRefused",
    "RegistryState",
    "ArtifactSource",
    "load_artifact_model",
    "require_decision_features",
    "ModelVersion",
    "Actor",
    "MAX_NOTE",
    "SignOffRequired",
    "DEPLOYMENT_SIGN_OFF",
]

_log = logging.getLogger(__name__)

MAX_NOTE = 500
_MODEL_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")
# allowed status changes: from -> to
_TRANSITIONS = {("candidate", "approved"), ("candidate", "retired"), ("approved", "retired")}
Actor = Mapping[str, str]
DEPLOYMENT: Actor = {"via": "deployment"}
DEPLOYMENT_SIGN_OFF = ("the deployment default, shipped with fairdun: approved by deploying it, with the findings "
                       "its card lists; no named person has signed it off yet")
_SIGNER = re.compile(r"staff:[A-Za-z0-9-]{1,74}")


class RegistryError(Exception):
    """A registry action that cannot be done; ``code`` is machine-readable."""

    code = "registry_error"


class UnknownModel(RegistryError):
    code = "unknown_model"


class TransitionRefused(RegistryError):
    code = "transition_refused"


class ArtifactRefused(RegistryError):
    code = "artifact_refused"


class SignOffRequired(TransitionRefused):
    """Approval of a version whose artifact asks for a sign-off that no one gave."""

    code = "sign_off_required"

    def __init__(self, model_id: str, findings: list[str]) -> None:
        self.model_id, self.findings = model_id, list(findings)
        super().__init__(
            f"model {model_id} needs a named sign-off before it can be approved: its artifact records "
            f"{len(findings)} finding{'' if len(findings) == 1 else 's'} ({'; '.join(findings)}). A compliance "
            f"officer or admin records one with `fairdun model sign-off {model_id} --by NAME --rationale TEXT` "
            f"or POST /v1/models/{model_id}/sign-off")


class ComparisonRequired(TransitionRefused):
    """Approval of a challenger trained on the ledger that was not compared with the champion."""

    code = "comparison_required"


COMPARED_KIND = "model_compared"


def latest_comparison(session: Session, model_id: str) -> tuple[int, dict[str, Any]] | None:
    """(seq, body) of the latest ``model_compared`` entry of ``model_id``."""
    query = (select(LedgerEntry.seq, LedgerEntry.entry).where(LedgerEntry.kind == COMPARED_KIND)
             .order_by(LedgerEntry.seq.desc()))
    for seq, entry in session.execute(query):
        body = json.loads(entry).get("body") or {}
        if body.get("model_id") == model_id:
            return int(seq), body
    return None


@dataclass(frozen=True)
class ArtifactSource:
    """An artifact file and the SHA-256 it must have (None: whatever the file holds)."""

    path: Path
    sha256: str | None


@dataclass(frozen=True)
class RegistryState:
    """What the registry says scores live decisions (cheap to read, compared per decision)."""

    kind: Literal["empty", "approved", "none_approved", "unreadable"]
    model_id: str | None = None
    sha256: str | None = None
    file: str | None = None
    detail: str | None = None


EMPTY = RegistryState("empty")


@dataclass(frozen=True)
class ModelVersion:
    model_id: str
    sha256: str
    status: str
    source: str
    registered_at: datetime | None
    approved_at: datetime | None
    retired_at: datetime | None
    ledger: dict[str, int | None]
    summary: dict[str, Any]
    registered: bool = True
    signed_off_at: datetime | None = None
    signed_off_by: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "model_id": self.model_id,
            "sha256": self.sha256,
            "status": self.status,
            "source": self.source,
            "registered": self.registered,
            "registered_at": _time(self.registered_at),
            "approved_at": _time(self.approved_at),
            "retired_at": _time(self.retired_at),
            "ledger": dict(self.ledger),
            "summary": self.summary,
            "sign_off": {
                "required": bool(self.summary.get("sign_off_required")),
                "findings": list(self.summary.get("findings") or []),
                "signed_off_by": self.signed_off_by,
                "signed_off_at": _time(self.signed_off_at),
                "seq": self.ledger.get("signed_off"),
            },
        }


def _time(moment: datetime | None) -> str | None:
    return rfc3339(as_utc(moment)) if moment is not None else None


def _summary(artifact: dict) -> dict[str, Any]:
    m = artifact["metrics"]
    return {
        "feature_set": artifact["feature_set"],
        "data_sha256": artifact["training"]["data"]["sha256"],
        "holdout_auc": m["holdout"]["auc"],
        "holdout_brier": m["holdout"]["brier"],
        "baseline_auc": m["baseline"]["holdout"]["auc"],
        "fairness_flagged": list(artifact.get("fairness", {}).get("flagged", [])),
        "sign_off_required": bool(artifact.get("governance", {}).get("sign_off_required")),
        "findings": list(artifact.get("governance", {}).get("findings", [])),
    }


def _version(row: ModelVersionRow) -> ModelVersion:
    return ModelVersion(
        model_id=row.model_id, sha256=row.sha256, status=row.status, source=row.source,
        registered_at=row.registered_at, approved_at=row.approved_at, retired_at=row.retired_at,
        ledger={"registered": row.registered_seq, "signed_off": row.signed_off_seq, "approved": row.approved_seq,
                "retired": row.retired_seq},
        summary=json.loads(row.summary), signed_off_at=row.signed_off_at, signed_off_by=row.signed_off_by,
    )


def _note(note: str | None, what: str = "note") -> str | None:
    if note is None:
        return None
    note = note.strip()
    if len(note) > MAX_NOTE:
        raise RegistryError(f"the {what} has {len(note)} characters; at most {MAX_NOTE}")
    return note or None


def _approval_bands(artifact: dict) -> dict[str, Any] | None:
    """The cut-offs derived again, at approval, from the artifact's calibration-period score
    distribution for its stated target shares; None for an artifact without bands."""
    bands = artifact.get("bands")
    if not bands:
        return None
    reference, cal = bands["reference"], artifact["calibration"]
    try:
        derived = derive_cutoffs(reference["scores"], reference["counts"], a=cal["a"], b=cal["b"],
                                 shares=bands["shares"])
    except ValueError as exc:
        raise ArtifactRefused(f"model {artifact['model_id']}: its cut-offs cannot be derived: {exc}") from exc
    if derived != {"medium": bands["cutoffs"]["medium"], "high": bands["cutoffs"]["high"]}:
        raise ArtifactRefused(f"model {artifact['model_id']}: its cut-offs {bands['cutoffs']} are not the ones its "
                              f"reference distribution gives for its target shares ({derived})")
    return {"shares": dict(bands["shares"]), "cutoffs": derived, "reference_snapshots": sum(reference["counts"]),
            "derived_from": "the calibration period's scores (explain._bands.derive_cutoffs)"}


def load_artifact_model(source: ArtifactSource) -> Model:
    """A model that may score live decisions, loaded and verified (its SHA-256 when given, its
    schema and monotonicity, decision features)."""
    return require_decision_features(load_model(source.path, expected_sha256=source.sha256))


def require_decision_features(model: Model) -> Model:
    """Refuse a model that cannot score live decisions (trained on a user's own columns)."""
    if model.feature_set != "dunning":
        raise ArtifactError(f"model {model.id} has feature set {model.feature_set!r}: only models over "
                            "fairdun's decision features ('dunning') can score live decisions")
    return model


class Registry:
    """The registry of one installation (its database and instance folder)."""

    def __init__(self, *, db: Database, instance_path: str | os.PathLike[str],
                 default: ArtifactSource) -> None:
        self._db = db
        self._models_dir = Path(instance_path) / "models"
        self._default = default
        self._loaded: dict[tuple[str, str], Model] = {}

    @property
    def default(self) -> ArtifactSource:
        return self._default

    # ------------------------------------------------------------------ which model decides

    def state(self) -> RegistryState:
        """One query: the approved version, or whether the registry is empty. Never raises:
        an unreadable registry is a state (in which decisions are held)."""
        status = ModelVersionRow.status
        try:
            with self._db.reading() as session:
                row = session.execute(
                    select(status, ModelVersionRow.model_id, ModelVersionRow.sha256, ModelVersionRow.file)
                    .order_by(case((status == "approved", 0), else_=1)).limit(1)
                ).first()
        except SQLAlchemyError as exc:
            _log.error("model registry unreadable: %s", type(exc).__name__)
            return RegistryState("unreadable", detail=type(exc).__name__)
        if row is None:
            return EMPTY
        if row.status != "approved":
            return RegistryState("none_approved")
        return RegistryState("approved", row.model_id, row.sha256, row.file)

    def state_at_start(self) -> RegistryState:
        """The state when an installation starts: a database not yet migrated (or not reachable)
        counts as empty; the first decision reads the real state before it is scored."""
        try:
            # a read transaction: never wait for the write lock (a batch run may hold it while
            # its worker processes start and read this)
            with self._db.reading() as session:
                if not inspect(session.connection()).has_table(ModelVersionRow.__tablename__):
                    return EMPTY
        except SQLAlchemyError as exc:
            _log.warning("model registry not readable at start (%s); assuming the deployment default",
                         type(exc).__name__)
            return EMPTY
        state = self.state()
        return EMPTY if state.kind == "unreadable" else state

    def model(self, state: RegistryState) -> Model:
        """The model ``state`` names, loaded and verified (cached). Raises ModelError when there
        is none or it fails its checks: the caller holds the decisions that need it."""
        if state.kind == "empty":
            return self._load(self._default)
        if state.kind == "approved" and state.file is not None:
            return self._load(ArtifactSource(self._models_dir / state.file, state.sha256))
        if state.kind == "none_approved":
            raise ModelError("no approved model version: an admin must approve one "
                             "(fairdun model approve ID)")
        raise ModelError(f"the model registry is unreadable ({state.detail})")

    def _load(self, source: ArtifactSource) -> Model:
        key = (str(source.path), source.sha256 or "")
        model = self._loaded.get(key)
        if model is None:
            model = load_artifact_model(source)
            self._loaded = {key: model}   # keep only the model in use
        return model

    # ------------------------------------------------------------------ reading

    def versions(self) -> list[ModelVersion]:
        """Every registered version (oldest first); on a fresh registry the deployment default."""
        with self._db.reading() as session:
            rows = session.scalars(select(ModelVersionRow).order_by(ModelVersionRow.registered_seq)).all()
        if rows:
            return [_version(r) for r in rows]
        default = self._default_version()
        return [default] if default is not None else []

    def version(self, model_id: str) -> ModelVersion:
        for v in self.versions():
            if v.model_id == model_id:
                return v
        raise UnknownModel(f"no model version {model_id!r}")

    def artifact(self, model_id: str) -> tuple[dict, str]:
        """(artifact, SHA-256) of a version (verified against its recorded SHA-256)."""
        v = self.version(model_id)
        path = self._models_dir / f"{model_id}.json" if v.registered else self._default.path
        return read_artifact(path, expected_sha256=v.sha256)

    def _default_version(self) -> ModelVersion | None:
        try:
            artifact, sha256 = read_artifact(self._default.path, expected_sha256=self._default.sha256)
        except ModelError as exc:
            _log.error("deployment default model unusable: %s", exc)
            return None
        summary = _summary(artifact)
        # approved by deploying it; the sign-off its adoption will record is the deployment's
        return ModelVersion(model_id=artifact["model_id"], sha256=sha256, status="approved",
                            source="deployment", registered_at=None, approved_at=None, retired_at=None,
                            ledger={"registered": None, "signed_off": None, "approved": None, "retired": None},
                            summary=summary, registered=False,
                            signed_off_by="deployment" if summary["sign_off_required"] else None)

    # ------------------------------------------------------------------ governance

    def register(self, data: bytes, *, now: datetime, actor: Actor, note: str | None = None) -> ModelVersion:
        """Register the artifact ``data`` (the file's exact bytes) as a candidate."""
        note = _note(note)
        artifact, sha256 = self._checked(data)
        with self._db.unit_of_work() as uow:
            session = uow.session
            lock_head(session)   # serialise registry changes with every other ledger append
            self._adopt_default_if_empty(session, now=now)
            if session.get(ModelVersionRow, artifact["model_id"]) is not None:
                raise TransitionRefused(f"model {artifact['model_id']} is already registered")
            row = self._insert(session, artifact, sha256, data, now=now, actor=actor, note=note,
                               source="registered")
            uow.commit()
            return _version(row)

    def sign_off(self, model_id: str, *, now: datetime, actor: Actor, signed_off_by: str,
                 rationale: str) -> ModelVersion:
        """Record that the staff member ``signed_off_by`` (``staff:<id>``) signed off version
        ``model_id`` with its findings, for ``rationale``. A candidate or the approved version may
        be signed off (the latest sign-off counts), a retired one not."""
        if not _SIGNER.fullmatch(signed_off_by):
            raise RegistryError("a sign-off names a staff account (staff:<id>)")
        text = _note(rationale, "rationale")
        if text is None:
            raise RegistryError("a sign-off needs a rationale: why the findings are acceptable")
        with self._db.unit_of_work() as uow:
            session = uow.session
            lock_head(session)
            signer = (model_id, actor, signed_off_by, text)
            if self._adopt_default_if_empty(session, now=now, signer=signer):
                uow.commit()   # the deployment default, signed off by name as it was adopted
                return _version(self._row(session, model_id))
            row = self._row(session, model_id)
            if row.status == "retired":
                raise TransitionRefused(f"model {model_id} is retired; a retired version is not signed off")
            artifact = self._stored_artifact(row)
            self._sign_off_row(session, row, artifact, now=now, actor=actor, signed_off_by=signed_off_by,
                               rationale=text)
            uow.commit()
            return _version(row)

    def approve(self, model_id: str, *, now: datetime, actor: Actor, note: str | None = None) -> ModelVersion:
        """Approve a candidate; the version it replaces is retired in the same transaction. A
        version whose artifact asks for a sign-off needs one first (``SignOffRequired``)."""
        note = _note(note)
        with self._db.unit_of_work() as uow:
            session = uow.session
            lock_head(session)
            approved_now = self._adopt_default_if_empty(session, now=now, approver=(model_id, actor, note))
            row = self._row(session, model_id)
            if approved_now:   # the deployment default itself, approved just now in the actor's name
                uow.commit()
                return _version(row)
            self._check_transition(row, "approved")
            artifact = self._stored_artifact(row)
            governance = artifact.get("governance") or {}
            current = session.scalars(select(ModelVersionRow).where(ModelVersionRow.status == "approved")).first()
            if (artifact.get("training") or {}).get("mode") == "ledger":
                self._check_comparison(session, row, current)
            if governance.get("sign_off_required") and row.signed_off_seq is None:
                raise SignOffRequired(model_id, list(governance.get("findings") or []))
            bands = _approval_bands(artifact)
            replaces = None
            if current is not None:
                self._retire_row(session, current, now=now, actor=actor,
                                 note=f"replaced by {model_id}", replaced_by=model_id)
                session.flush()   # the one-approved index must see the old row retired first
                replaces = {"model_id": current.model_id, "sha256": current.sha256}
            self._approve_row(session, row, now=now, actor=actor, note=note, replaces=replaces, bands=bands)
            uow.commit()
            return _version(row)

    def record_comparison(self, model_id: str, comparison: Mapping[str, Any], *, now: datetime,
                          actor: Actor) -> dict[str, Any]:
        """Record the comparison of candidate ``model_id`` with the approved version
        (``explain.comparison.compare_models``) as a ``model_compared`` event."""
        with self._db.unit_of_work() as uow:
            session = uow.session
            lock_head(session)
            row = self._row(session, model_id)
            if row.status != "candidate":
                raise TransitionRefused(f"model {model_id} is {row.status}; only a candidate is compared")
            challenger = comparison.get("challenger") or {}
            if (challenger.get("model_id"), challenger.get("sha256")) != (row.model_id, row.sha256):
                raise RegistryError(f"the comparison is not of model {model_id} as registered")
            appended = append(session, kind=COMPARED_KIND, ts=now, body={
                "model_id": row.model_id, "sha256": row.sha256, **comparison, "actor": dict(actor)})
            uow.commit()
            return {**comparison, "ledger_seq": appended.seq}

    @staticmethod
    def _check_comparison(session: Session, row: ModelVersionRow, current: ModelVersionRow | None) -> None:
        found = latest_comparison(session, row.model_id)
        champion = (found[1].get("champion") or {}) if found else {}
        if current is None or found is None or (champion.get("model_id"), champion.get("sha256")) != (
                current.model_id, current.sha256):
            name = current.model_id if current is not None else "the approved version"
            raise ComparisonRequired(
                f"model {row.model_id} was trained on this installation's decisions: compare it with {name} "
                f"first (`fairdun model compare {row.model_id} --ledger-set FILE`)")
        seq, body = found
        if not body.get("passed") and (row.signed_off_seq is None or row.signed_off_seq < seq):
            raise SignOffRequired(row.model_id, list(body.get("findings") or []))

    def retire(self, model_id: str, *, now: datetime, actor: Actor, note: str | None = None) -> ModelVersion:
        """Retire a version. Retiring the approved one leaves no approved version: decisions
        that need the model are then held until another is approved."""
        note = _note(note)
        with self._db.unit_of_work() as uow:
            session = uow.session
            lock_head(session)
            self._adopt_default_if_empty(session, now=now)
            row = self._row(session, model_id)
            self._check_transition(row, "retired")
            self._retire_row(session, row, now=now, actor=actor, note=note, replaced_by=None)
            uow.commit()
            return _version(row)

    # ------------------------------------------------------------------ internals

    def _checked(self, data: bytes) -> tuple[dict, str]:
        """Validate an artifact to register: well-formed, named by its content, decision features."""
        try:
            artifact, sha256 = parse_artifact(data)
        except ArtifactError as exc:
            raise ArtifactRefused(str(exc)) from exc
        model_id = artifact["model_id"]
        if not _MODEL_ID.fullmatch(model_id) or "-" not in model_id:
            raise ArtifactRefused(f"model_id {model_id!r} is not a fairdun model id")
        prefix = model_id[: model_id.rindex("-") + 1]
        if with_model_id(artifact, prefix)["model_id"] != model_id:
            raise ArtifactRefused(f"model_id {model_id!r} does not name the artifact's content")
        if artifact_bytes(artifact) != data:
            raise ArtifactRefused("the artifact is not in canonical form (write it with fairdun)")
        if artifact["feature_set"] != "dunning":
            raise ArtifactRefused(f"model {model_id} is trained on its own columns (feature set "
                                  f"{artifact['feature_set']!r}); only models over fairdun's decision "
                                  "features can be registered for live decisions")
        return artifact, sha256

    def _store(self, model_id: str, data: bytes) -> str:
        """Copy the artifact into the instance folder (atomically); returns the file name."""
        name = f"{model_id}.json"
        path = self._models_dir / name
        if path.exists():
            if path.read_bytes() == data:
                return name
            raise ArtifactRefused(f"another artifact is stored as {name}")
        self._models_dir.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(name + ".tmp")
        tmp.write_bytes(data)
        os.replace(tmp, path)
        return name

    def _insert(self, session: Session, artifact: dict, sha256: str, data: bytes, *, now: datetime,
                actor: Actor, note: str | None, source: str) -> ModelVersionRow:
        file = self._store(artifact["model_id"], data)
        summary = _summary(artifact)
        appended = append(session, kind="model_registered", ts=now, body={
            "model_id": artifact["model_id"], "sha256": sha256, "source": source,
            "actor": dict(actor), "note": note, **summary})
        row = ModelVersionRow(model_id=artifact["model_id"], sha256=sha256, status="candidate", file=file,
                              source=source, registered_at=now, registered_seq=appended.seq,
                              summary=json.dumps(summary, sort_keys=True))
        session.add(row)
        session.flush()
        return row

    def _approve_row(self, session: Session, row: ModelVersionRow, *, now: datetime, actor: Actor,
                     note: str | None, replaces: dict | None, bands: dict[str, Any] | None) -> None:
        sign_off = None if row.signed_off_seq is None else {"seq": row.signed_off_seq, "by": row.signed_off_by}
        appended = append(session, kind="model_approved", ts=now, body={
            "model_id": row.model_id, "sha256": row.sha256, "actor": dict(actor), "note": note,
            "replaces": replaces, "sign_off": sign_off, "bands": bands})
        row.status, row.approved_at, row.approved_seq = "approved", now, appended.seq
        session.flush()

    @staticmethod
    def _sign_off_row(session: Session, row: ModelVersionRow, artifact: dict, *, now: datetime, actor: Actor,
                      signed_off_by: str, rationale: str) -> None:
        governance = artifact.get("governance") or {}
        compared = latest_comparison(session, row.model_id)
        findings = [*(governance.get("findings") or []), *((compared[1].get("findings") or []) if compared else [])]
        appended = append(session, kind="model_signed_off", ts=now, body={
            "model_id": row.model_id, "sha256": row.sha256, "signed_off_by": signed_off_by,
            "rationale": rationale, "findings": findings,
            "calibration_check": governance.get("calibration_check"), "actor": dict(actor)})
        row.signed_off_at, row.signed_off_seq, row.signed_off_by = now, appended.seq, signed_off_by
        session.flush()

    def _retire_row(self, session: Session, row: ModelVersionRow, *, now: datetime, actor: Actor,
                    note: str | None, replaced_by: str | None) -> None:
        appended = append(session, kind="model_retired", ts=now, body={
            "model_id": row.model_id, "sha256": row.sha256, "was": row.status, "actor": dict(actor),
            "note": note, "replaced_by": replaced_by})
        row.status, row.retired_at, row.retired_seq = "retired", now, appended.seq

    def _adopt_default_if_empty(self, session: Session, *, now: datetime,
                                approver: tuple[str, Actor, str | None] | None = None,
                                signer: tuple[str, Actor, str, str] | None = None) -> bool:
        """On a fresh registry, record the deployment default as registered, signed off when its
        artifact asks for it (by the deployment, or by ``signer`` when that sign-off names the
        default itself) and approved (by the deployment, or by ``approver`` when that approval names
        the default itself). True when the adoption was the requested action itself."""
        if session.scalar(select(ModelVersionRow.model_id).limit(1)) is not None:
            return False
        try:
            data = self._default.path.read_bytes()
            artifact, sha256 = read_artifact(self._default.path, expected_sha256=self._default.sha256)
            require_decision_features(Model(artifact=artifact, sha256=sha256))
        except (OSError, ModelError) as exc:
            _log.error("the deployment default is unusable and is not adopted: %s", exc)
            return False
        by_request = approver is not None and approver[0] == artifact["model_id"]
        actor, note = (approver[1], approver[2]) if approver is not None and by_request else (
            DEPLOYMENT, "the deployment default, approved by deploying it; adopted into the registry "
                        "at the installation's first governance action")
        row = self._insert(session, artifact, sha256, data, now=now, actor=DEPLOYMENT,
                           note="the deployment default", source="deployment")
        signed_by_request = signer is not None and signer[0] == artifact["model_id"]
        if signer is not None and signed_by_request:
            self._sign_off_row(session, row, artifact, now=now, actor=signer[1], signed_off_by=signer[2],
                               rationale=signer[3])
        elif (artifact.get("governance") or {}).get("sign_off_required"):
            self._sign_off_row(session, row, artifact, now=now, actor=DEPLOYMENT, signed_off_by="deployment",
                               rationale=DEPLOYMENT_SIGN_OFF)
        self._approve_row(session, row, now=now, actor=actor, note=note, replaces=None,
                          bands=_approval_bands(artifact))
        return by_request or signed_by_request

    def _stored_artifact(self, row: ModelVersionRow) -> dict:
        """The registered artifact of ``row``, checked against its recorded SHA-256."""
        try:
            return read_artifact(self._models_dir / row.file, expected_sha256=row.sha256)[0]
        except ModelError as exc:
            raise ArtifactRefused(f"the stored artifact of model {row.model_id} fails its checks: {exc}") from exc

    @staticmethod
    def _row(session: Session, model_id: str) -> ModelVersionRow:
        row = session.get(ModelVersionRow, model_id)
        if row is None:
            raise UnknownModel(f"no model version {model_id!r}")
        return row

    @staticmethod
    def _check_transition(row: ModelVersionRow, to: str) -> None:
        if (row.status, to) not in _TRANSITIONS:
            raise TransitionRefused(f"model {row.model_id} is {row.status}; it cannot become {to} "
                                    "(versions move candidate -> approved -> retired)")
