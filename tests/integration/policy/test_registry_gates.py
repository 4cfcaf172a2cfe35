"""The registry's place gates only save time: a bundle whose registry lists every rule
unconditionally decides every fixture case and a sample of the synthetic portfolio the same."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from decisions.policy import EmbeddedEngine, load_bundle, shipped_bundle_dir, write_registry

CASES = sorted((Path(__file__).parent / "cases").glob("*.json"))


@pytest.fixture(scope="module")
def engines(tmp_path_factory):
    ungated_dir = tmp_path_factory.mktemp("ungated") / "policies_rego"
    shutil.copytree(shipped_bundle_dir(), ungated_dir, ignore=shutil.ignore_patterns("__pycache__", "*_test.rego"))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("decisions.policy._registry.AREA_GATES", {})
        write_registry(ungated_dir)
    assert "if lib.in_" not in (ungated_dir / "fairdun/registry.rego").read_text()
    assert "if lib.in_de" in (shipped_bundle_dir() / "fairdun/registry.rego").read_text()
    return EmbeddedEngine(load_bundle()), EmbeddedEngine(load_bundle(ungated_dir))


def _portfolio_inputs(n: int = 80) -> list[dict]:
    from bench.policy import five_candidate_inputs

    return five_candidate_inputs(n)


def test_gated_and_ungated_registries_decide_alike(engines):
    gated, ungated = engines
    inputs = [json.loads(p.read_text())["input"] for p in CASES] + _portfolio_inputs()

    for policy_input in inputs:
        assert gated.evaluate(policy_input) == ungated.evaluate(policy_input)
