"""The model registry on a real database (SQLite and PostgreSQL): versions, governance events
in the ledger, and which model scores live decisions."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from decisions.read_models import verify_read_models
from explain import ModelError, default_artifact_path, default_sha256
from explain.registry import (
    DEPLOYMENT_SIGN_OFF,
    ArtifactRefused,
    ArtifactSource,
    Registry,
    RegistryError,
    SignOffRequired,
    TransitionRefused,
    UnknownModel,
)
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
    # the shipped default has findings: the adoption records the deployment's sign-off, as such
    assert [k for k, _ in kinds] == ["model_registered", "model_signed_off", "model_approved", "model_registered"]
    assert kinds[1][1]["signed_off_by"] == "deployment" and kinds[1][1]["rationale"] == DEPLOYMENT_SIGN_OFF
    assert kinds[1][1]["findings"] == json.loads(default_artifact_path().read_bytes())["governance"]["findings"]
    assert kinds[2][1]["actor"] == {"via": "deployment"} and kinds[2][1]["sha256"] == default_sha256()
    assert kinds[2][1]["sign_off"] == {"seq": 1, "by": "deployment"}
    assert kinds[3][1]["actor"] == ADMIN and kinds[3][1]["note"] == "retrained"
    assert kinds[3][1]["holdout_auc"] == version.summary["holdout_auc"]
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
        assert verify_chain(session).entries == 6


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


# ---------------------------------------------------------------------------- sign-off (issue 16)

OFFICER = "staff:0b7c9a52-3d4e-4f60-8a71-92b3c4d5e6f7"


def test_a_version_with_findings_is_not_approved_without_a_named_sign_off(registry, registry_db, variant):
    flagged = registry.register(variant(7, findings=True), now=NOW, actor=ADMIN)
    assert flagged.as_dict()["sign_off"] == {
        "required": True, "findings": flagged.summary["findings"], "signed_off_by": None, "signed_off_at": None,
        "seq": None}
    size = len(_ledger(registry_db))
    with pytest.raises(SignOffRequired) as refused:
        registry.approve(flagged.model_id, now=NOW, actor=ADMIN, note="looks fine")
    # the error names every finding and how to sign off; nothing is written
    assert refused.value.findings and refused.value.findings == flagged.summary["findings"]
    assert all(f in str(refused.value) for f in refused.value.findings)
    assert "fairdun model sign-off" in str(refused.value)
    assert len(_ledger(registry_db)) == size and registry.version(flagged.model_id).status == "candidate"


def test_a_named_sign_off_is_recorded_and_then_the_approval_names_it(registry, registry_db, variant):
    flagged = registry.register(variant(8, findings=True), now=NOW, actor=ADMIN)
    signed = registry.sign_off(flagged.model_id, now=NOW, actor=ADMIN, signed_off_by=OFFICER,
                               rationale="  low band over-predicts: errs towards gentler dunning; "
                                         "country 391 re-checked next quarter  ")
    kind, body = _ledger(registry_db)[-1]
    assert kind == "model_signed_off"
    assert body == {"model_id": flagged.model_id, "sha256": flagged.sha256, "signed_off_by": OFFICER,
                    "rationale": "low band over-predicts: errs towards gentler dunning; country 391 re-checked "
                                 "next quarter",
                    "findings": flagged.summary["findings"], "calibration_check": "failed", "actor": ADMIN}
    assert signed.as_dict()["sign_off"]["signed_off_by"] == OFFICER
    assert signed.ledger["signed_off"] == len(_ledger(registry_db)) - 1
    approved = registry.approve(flagged.model_id, now=NOW, actor=ADMIN)
    assert approved.status == "approved"
    body = _ledger(registry_db)[-1][1]
    assert body["sign_off"] == {"seq": signed.ledger["signed_off"], "by": OFFICER}
    with registry_db.reading() as session:
        assert verify_read_models(session).rows["model_versions"] == 2


def test_the_approval_records_the_cut_offs_derived_again_for_the_target_shares(registry, registry_db, variant):
    from explain._bands import derive_cutoffs

    shipped = json.loads(variant(9))
    version = registry.register(variant(9), now=NOW, actor=ADMIN)
    registry.approve(version.model_id, now=NOW, actor=ADMIN)
    bands = _ledger(registry_db)[-1][1]["bands"]
    assert bands["shares"] == shipped["bands"]["shares"] == {"high": 0.1, "medium": 0.3}
    assert bands["cutoffs"] == shipped["bands"]["cutoffs"]
    ref, cal = shipped["bands"]["reference"], shipped["calibration"]
    assert bands["cutoffs"] == derive_cutoffs(ref["scores"], ref["counts"], a=cal["a"], b=cal["b"],
                                              shares=bands["shares"])
    assert bands["reference_snapshots"] == sum(ref["counts"])


@pytest.mark.parametrize("signer, rationale, message", [
    ("alice", "ok", "staff account"),
    ("deployment", "ok", "staff account"),
    (OFFICER, "   ", "needs a rationale"),
    (OFFICER, "x" * 501, "at most"),
])
def test_a_sign_off_names_a_staff_account_and_gives_a_rationale(registry, registry_db, variant, signer, rationale,
                                                                message):
    flagged = registry.register(variant(10, findings=True), now=NOW, actor=ADMIN)
    size = len(_ledger(registry_db))
    with pytest.raises(RegistryError, match=message):
        registry.sign_off(flagged.model_id, now=NOW, actor=ADMIN, signed_off_by=signer, rationale=rationale)
    assert len(_ledger(registry_db)) == size


def test_a_retired_version_is_not_signed_off(registry, variant):
    flagged = registry.register(variant(11, findings=True), now=NOW, actor=ADMIN)
    registry.retire(flagged.model_id, now=NOW, actor=ADMIN)
    with pytest.raises(TransitionRefused, match="retired"):
        registry.sign_off(flagged.model_id, now=NOW, actor=ADMIN, signed_off_by=OFFICER, rationale="late")


def test_a_named_sign_off_of_the_default_on_a_fresh_registry_is_the_one_recorded(registry, registry_db):
    default_id = json.loads(default_artifact_path().read_bytes())["model_id"]
    version = registry.sign_off(default_id, now=NOW, actor={"via": "cli"}, signed_off_by=OFFICER,
                                rationale="shipped model, card read")
    kinds = _ledger(registry_db)
    assert [k for k, _ in kinds] == ["model_registered", "model_signed_off", "model_approved"]
    assert kinds[1][1]["signed_off_by"] == OFFICER and kinds[2][1]["actor"] == {"via": "deployment"}
    assert (version.status, version.signed_off_by) == ("approved", OFFICER)
    # a later sign-off by name of the approved version counts as the latest
    registry.sign_off(default_id, now=NOW, actor={"via": "cli"}, signed_off_by=OFFICER, rationale="again")
    assert registry.version(default_id).ledger["signed_off"] == 3
    with registry_db.reading() as session:
        verify_read_models(session)


def test_read_model_verification_covers_the_sign_off(registry, registry_db, variant):
    from ledger import ChainBroken

    flagged = registry.register(variant(12, findings=True), now=NOW, actor=ADMIN)
    registry.sign_off(flagged.model_id, now=NOW, actor=ADMIN, signed_off_by=OFFICER, rationale="ok")
    with registry_db.unit_of_work() as uow:
        row = uow.session.get(ModelVersionRow, flagged.model_id)
        row.signed_off_by = "staff:someone-else"
        uow.commit()
    with registry_db.reading() as session, pytest.raises(ChainBroken, match="signed_off_by"):
        verify_read_models(session)
