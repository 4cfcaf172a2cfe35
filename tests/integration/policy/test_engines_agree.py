"""Every engine, one answer: each fixture case gets the expected outcome from the real OPA
in-process, from regopy, and from OPA's REST API over real HTTP (a loopback server evaluating with
the real OPA); the differential test (test_differential.py) does the same on generated inputs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from integration.policy.opa_rest_server import opa_rest_server

from decisions.policy import OpaEmbeddedEngine, OpaServerEngine, RegopyEngine, load_bundle, write_opa_bundle

CASES = sorted((Path(__file__).parent / "cases").glob("*.json"))
BUNDLE = load_bundle()


def _case(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def reference() -> OpaEmbeddedEngine:
    return OpaEmbeddedEngine(BUNDLE)


@pytest.fixture(scope="module")
def loopback_opa():
    with opa_rest_server() as server:
        engine = OpaServerEngine(BUNDLE, server.url, timeout=10)
        yield engine
        engine.close()


@pytest.fixture(params=["opa-embedded", "regopy", "opa-server"])
def engine(request, reference, loopback_opa):
    return {"opa-embedded": reference, "regopy": RegopyEngine(BUNDLE), "opa-server": loopback_opa}[request.param]


@pytest.mark.parametrize("case_file", CASES, ids=[p.stem for p in CASES])
def test_every_engine_gives_the_expected_outcome(reference, engine, case_file):
    case = _case(case_file)

    outcome = engine.evaluate(case["input"])

    assert outcome == reference.evaluate(case["input"])
    for cid, want in case["expect"].items():
        verdict = outcome.verdicts[cid]
        assert verdict.allow is want["allow"], cid
        assert sorted(d.rule for d in verdict.deny) == want["deny"], cid
        assert sorted([o.kind, o.rule] for o in verdict.obligations) == want["obligations"], cid


def test_the_remote_engine_names_itself_its_version_and_the_bundle_it_answers_for(loopback_opa):
    outcome = loopback_opa.evaluate(_case(CASES[0])["input"])

    assert loopback_opa.name == "opa-server"
    assert loopback_opa.version == outcome.engine_version == "1.20.2"   # from the answer's provenance
    assert loopback_opa.bundle_sha256 == BUNDLE.sha256
    assert loopback_opa.available is True


def test_the_exported_opa_bundle_loads_in_the_real_opa_and_gives_the_fixture_verdicts(tmp_path, reference):
    """`fairdun policy bundle` writes what an OPA server loads as-is (`opa run -s -b`): the loopback
    server loads the archive with the real OPA and answers every fixture case as the reference."""
    archive = tmp_path / "bundle.tar.gz"
    write_opa_bundle(BUNDLE, archive)
    with opa_rest_server(bundle_tar=archive) as server:
        engine = OpaServerEngine(BUNDLE, server.url, timeout=10)

        for case_file in CASES:
            case = _case(case_file)["input"]
            assert engine.evaluate(case) == reference.evaluate(case), case_file.stem
        # the engine never uploads into a server that runs bundles
        assert server.requests("PUT") == [] and server.requests("DELETE") == []
