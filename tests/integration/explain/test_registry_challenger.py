"""A challenger trained on the installation's own decisions is approved only after a recorded
comparison with the champion, and after a sign-off when that comparison failed (issue 19)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from explain import default_artifact_path, default_sha256
from explain._artifact import artifact_bytes, with_model_id
from explain.registry import (
    COMPARED_KIND,
    ArtifactSource,
    ComparisonRequired,
    Registry,
    SignOffRequired,
    TransitionRefused,
)
from ledger import verify_chain
from ledger.tables import LedgerEntry

NOW = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
ADMIN = {"via": "api", "api_key_id": "key-1"}
OFFICER = "staff:0000-officer"
FINDING = "non-inferiority: the AUC difference's 95 % lower bound (-0.041) is not above -0.02"


@pytest.fixture
def registry(registry_db, tmp_path):
    return Registry(db=registry_db, instance_path=tmp_path / "instance",
                    default=ArtifactSource(default_artifact_path(), default_sha256()))


@pytest.fixture
def challenger(registry):
    """A registered candidate whose artifact says it was trained on a ledger set, with no findings
    of its own."""
    shipped = json.loads(default_artifact_path().read_bytes())
    artifact = {**shipped, "training": {**shipped["training"], "mode": "ledger"},
                "governance": {**shipped["governance"], "findings": [], "calibration_check": "passed",
                               "sign_off_required": False}}
    return registry.register(artifact_bytes(with_model_id(artifact, prefix="ebm-ledger-")), now=NOW, actor=ADMIN)


def comparison(challenger, *, passed: bool, champion_id: str | None = None) -> dict:
    champion = {"model_id": champion_id or json.loads(default_artifact_path().read_bytes())["model_id"],
                "sha256": default_sha256()}
    return {"champion": champion, "challenger": {"model_id": challenger.model_id, "sha256": challenger.sha256},
            "n": 400, "passed": passed, "findings": [] if passed else [FINDING]}


def test_approval_waits_for_a_comparison_with_the_version_approved_now(registry, challenger, registry_db):
    with pytest.raises(ComparisonRequired, match="compare it with"):
        registry.approve(challenger.model_id, now=NOW, actor=ADMIN)
    registry.record_comparison(challenger.model_id, comparison(challenger, passed=True, champion_id="ebm-other"),
                               now=NOW, actor=ADMIN)
    with pytest.raises(ComparisonRequired):                 # compared with another model than the champion
        registry.approve(challenger.model_id, now=NOW, actor=ADMIN)
    recorded = registry.record_comparison(challenger.model_id, comparison(challenger, passed=True), now=NOW,
                                          actor=ADMIN)
    assert registry.approve(challenger.model_id, now=NOW, actor=ADMIN).status == "approved"
    with registry_db.reading() as session:
        entry = session.scalars(select(LedgerEntry).where(LedgerEntry.seq == recorded["ledger_seq"])).one()
        assert entry.kind == COMPARED_KIND and json.loads(entry.entry)["body"]["passed"] is True
        assert verify_chain(session).entries == recorded["ledger_seq"] + 3   # + the approval and the retirement


def test_a_failed_comparison_needs_a_sign_off_recorded_after_it(registry, challenger, registry_db):
    registry.sign_off(challenger.model_id, now=NOW, actor=ADMIN, signed_off_by=OFFICER, rationale="early")
    registry.record_comparison(challenger.model_id, comparison(challenger, passed=False), now=NOW, actor=ADMIN)
    with pytest.raises(SignOffRequired) as refused:         # the earlier sign-off did not see this finding
        registry.approve(challenger.model_id, now=NOW, actor=ADMIN)
    assert refused.value.findings == [FINDING]
    registry.sign_off(challenger.model_id, now=NOW, actor=ADMIN, signed_off_by=OFFICER,
                      rationale="the AUC loss is within what the simpler model is worth")
    with registry_db.reading() as session:
        last = session.scalars(select(LedgerEntry).order_by(LedgerEntry.seq.desc()).limit(1)).one()
    assert last.kind == "model_signed_off" and json.loads(last.entry)["body"]["findings"] == [FINDING]
    assert registry.approve(challenger.model_id, now=NOW, actor=ADMIN).status == "approved"


def test_only_a_candidate_as_registered_is_compared(registry, challenger):
    wrong = comparison(challenger, passed=True)
    wrong["challenger"]["sha256"] = "0" * 64
    with pytest.raises(Exception, match="not of model"):
        registry.record_comparison(challenger.model_id, wrong, now=NOW, actor=ADMIN)
    registry.record_comparison(challenger.model_id, comparison(challenger, passed=True), now=NOW, actor=ADMIN)
    registry.approve(challenger.model_id, now=NOW, actor=ADMIN)
    with pytest.raises(TransitionRefused, match="only a candidate"):
        registry.record_comparison(challenger.model_id, comparison(challenger, passed=True), now=NOW, actor=ADMIN)
