"""The model registry on a real database (SQLite and PostgreSQL): versions, governance events
in the ledger, and which model scores live decisions."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from explain import ModelError, default_artifact_path, default_sha256
from explain.registry import ArtifactRefused, ArtifactSource, Registry, RegistryError, TransitionRefused, UnknownModel
from explain.tables import ModelVersionRow
from ledger import verify_chain
from ledger.tables import LedgerEntry

NOW = datetime(2026, 11, 22, 9, 30, tzinfo=UTC)
ADMIN = {"via": "api", "api_key_id": "key-1"}


@pytest.fixture
def registry(registry_db, tmp_path):
    return Registry(db=registry_db, instance_path=tmp_path / "instance",
                    default=ArtifactSource(default_artifact_path(), default_sha256()))


def _ledger(db):
    with db.reading() as session:
        return [(e.kind, json.loads(e.entry)["body"]) for e in session.scalars(select(LedgerEntry).order_by(LedgerEntry.seq))]


def _id(data: bytes) -> str:
    return json.loads(data)["model_id"]


def test_a_fresh_registry_decides_with_the_deployment_default_and_writes_nothing(registry, registry_db):
    state = registry.state()
    assert state.kind == "empty"
    assert registry.model(state).sha256 == default_sha256()
    [default] = registry.versions()
    assert (default.status, default.source, default.registered) == ("approved", "deployment", False)
    assert _ledger(registry_db) == []


def test_the_first_registration_adopts_the_default_then_registers_a_candidate(registry, registry_db, variant,
                                                                             tmp_path):
    candidate = variant(1)
    version = registry.register(candidate, now=NOW, actor=ADMIN, note="retrained")
    assert version.status == "candidate" and version.model_id == _id(candidate)
    kinds = _ledger(registry_db)
    assert [k for k, _ in kinds] == ["model_registered", "model_approved", "model_registered"]
    assert kinds[1][1]["actor"] == {"via": "deployment"} and kinds[1][1]["sha256"] == default_sha256()
    assert kinds[2][1]["actor"] == ADMIN and kinds[2][1]["note"] == "retrained"
    assert kinds[2][1]["holdout_auc"] == version.summary["holdout_auc"]
    # copied into the instance folder, byte for byte
    assert (tmp_path / "instance" / "models" / f"{version.model_id}.json").read_bytes() == candidate
    state = registry.state()
    assert state.kind == "approved" and state.sha256 == default_sha256()
    assert [v.status for v in registry.versions()] == ["approved", "candidate"]


def test_approval_replaces_the_approved_version_in_one_step(registry, registry_db, variant):
    candidate = registry.register(variant(2), now=NOW, actor=ADMIN)
    approved = registry.approve(candidate.model_id, now=NOW, actor=ADMIN, note="card reviewed")
    assert approved.status == "approved"
    kinds, bodies = zip(*_ledger(registry_db), strict=False)
    assert kinds[-2:] == ("model_retired", "model_approved")
    assert bodies[-2]["replaced_by"] == candidate.model_id and bodies[-2]["was"] == "approved"
    assert bodies[-1]["replaces"]["sha256"] == default_sha256() and bodies[-1]["actor"] == ADMIN
    state = registry.state()
    assert (state.kind, state.model_id) == ("approved", candidate.model_id)
    model = registry.model(state)
    assert (model.id, model.sha256) == (candidate.model_id, candidate.sha256)
    assert {v.model_id: v.status for v in registry.versions()} == {
        json.loads(default_artifact_path().read_bytes())["model_id"]: "retired", candidate.model_id: "approved"}
    with registry_db.reading() as session:
        assert verify_chain(session).entries == 5


def test_status_only_moves_forward(registry, variant):
    first = registry.register(variant(3), now=NOW, actor=ADMIN)
    registry.approve(first.model_id, now=NOW, actor=ADMIN)
    second = registry.register(variant(4), now=NOW, actor=ADMIN)
    registry.approve(second.model_id, now=NOW, actor=ADMIN)
    with pytest.raises(TransitionRefused, match="retired"):
        registry.approve(first.model_id, now=NOW, actor=ADMIN)
    with pytest.raises(TransitionRefused):
        registry.retire(first.model_id, now=NOW, actor=ADMIN)
    with pytest.raises(TransitionRefused, match="already registered"):
        registry.register(variant(4), now=NOW, actor=ADMIN)
    with pytest.raises(UnknownModel):
        registry.approve("ebm-ar-ibm-000000000000", now=NOW, actor=ADMIN)
    with pytest.raises(RegistryError, match="at most"):
        registry.approve(second.model_id, now=NOW, actor=ADMIN, note="x" * 501)


def test_retiring_the_approved_version_leaves_nothing_to_decide_with(registry, registry_db, variant):
    candidate = registry.register(variant(5), now=NOW, actor=ADMIN)
    registry.approve(candidate.model_id, now=NOW, actor=ADMIN)
    registry.retire(candidate.model_id, now=NOW, actor=ADMIN, note="drift")
    state = registry.state()
    assert state.kind == "none_approved"
    with pytest.raises(ModelError, match="no approved model version"):
        registry.model(state)
    assert _ledger(registry_db)[-1][1]["note"] == "drift"


def test_an_admin_may_approve_the_deployment_default_itself(registry, registry_db):
    default_id = json.loads(default_artifact_path().read_bytes())["model_id"]
    version = registry.approve(default_id, now=NOW, actor=ADMIN, note="reviewed")
    assert (version.status, version.source) == ("approved", "deployment")
    approved = [b for k, b in _ledger(registry_db) if k == "model_approved"]
    assert len(approved) == 1 and approved[0]["actor"] == ADMIN and approved[0]["note"] == "reviewed"


@pytest.mark.parametrize("spoil, message", [
    (lambda d: d.replace(b'"feature_set": "dunning"', b'"feature_set": "custom"'), "does not name"),
    (lambda d: d.replace(b'"intercept": ', b'"intercept":  '), "canonical"),
    (lambda d: d[:-10], "not valid JSON"),
    (lambda d: d.replace(b'"model_id": "ebm-ar-ibm-', b'"model_id": "EBM/../', 1), "not a fairdun model id"),
])
def test_bad_artifacts_are_refused_and_nothing_is_written(registry, registry_db, variant, tmp_path, spoil,
                                                          message):
    with pytest.raises(ArtifactRefused, match=message):
        registry.register(spoil(variant(6)), now=NOW, actor=ADMIN)
    assert _ledger(registry_db) == []
    assert not (tmp_path / "instance" / "models").exists()


def test_a_model_trained_on_its_own_columns_cannot_be_registered(registry, tmp_path):
    from explain._artifact import artifact_bytes, with_model_id

    artifact = json.loads(default_artifact_path().read_bytes())
    artifact["feature_set"] = "custom"
    data = artifact_bytes(with_model_id(artifact, prefix="ebm-csv-"))
    with pytest.raises(ArtifactRefused, match="own columns"):
        registry.register(data, now=NOW, actor=ADMIN)


def test_a_tampered_registered_file_is_refused_when_loaded(registry, variant, tmp_path):
    candidate = registry.register(variant(7), now=NOW, actor=ADMIN)
    registry.approve(candidate.model_id, now=NOW, actor=ADMIN)
    path = tmp_path / "instance" / "models" / f"{candidate.model_id}.json"
    path.write_bytes(path.read_bytes().replace(b'"intercept": -', b'"intercept": +', 1))
    fresh = Registry(db=registry._db, instance_path=tmp_path / "instance", default=registry.default)
    with pytest.raises(ModelError, match="SHA-256"):
        fresh.model(fresh.state())


def test_the_database_allows_one_approved_version_only(registry, registry_db, variant):
    candidate = registry.register(variant(8), now=NOW, actor=ADMIN)
    with registry_db.unit_of_work() as uow:
        row = uow.session.get(ModelVersionRow, candidate.model_id)
        row.status = "approved"
        with pytest.raises(IntegrityError):
            uow.session.flush()


def test_an_unreadable_registry_is_a_state_that_holds_decisions(registry, registry_db):
    with registry_db.engine.begin() as connection:
        connection.exec_driver_sql("DROP TABLE model_versions")
    state = registry.state()
    assert state.kind == "unreadable"
    with pytest.raises(ModelError, match="unreadable"):
        registry.model(state)
