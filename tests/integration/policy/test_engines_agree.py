"""Two engines, one answer: every fixture case gets the same outcome from the embedded engine and
from OPA's REST API over real HTTP (a loopback server evaluating with regopy, and a real OPA when
FAIRDUN_TEST_OPA_URL is set)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from decisions.policy import EmbeddedEngine, OpaEngine, load_bundle, write_opa_bundle
from integration.policy.opa_rest_server import opa_rest_server

CASES = sorted((Path(__file__).parent / "cases").glob("*.json"))
BUNDLE = load_bundle()


def _case(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def embedded() -> EmbeddedEngine:
    return EmbeddedEngine(BUNDLE)


@pytest.fixture(scope="module")
def loopback_opa():
    with opa_rest_server() as server:
        engine = OpaEngine(BUNDLE, server.url, timeout=10)
        yield engine
        engine.close()


@pytest.fixture(scope="module")
def real_opa():
    url = os.environ.get("FAIRDUN_TEST_OPA_URL")
    if not url:
        pytest.skip("a real OPA: set FAIRDUN_TEST_OPA_URL (e.g. http://127.0.0.1:8181 of `opa run -s`)")
    engine = OpaEngine(BUNDLE, url, timeout=10)
    yield engine
    engine.close()


@pytest.fixture(params=["loopback", "real"])
def remote(request: pytest.FixtureRequest) -> OpaEngine:
    return request.getfixturevalue("loopback_opa" if request.param == "loopback" else "real_opa")


@pytest.mark.parametrize("case_file", CASES, ids=[p.stem for p in CASES])
def test_both_engines_give_the_expected_outcome(embedded, remote, case_file):
    case = _case(case_file)

    local, over_http = embedded.evaluate(case["input"]), remote.evaluate(case["input"])

    assert over_http == local
    for cid, want in case["expect"].items():
        verdict = over_http.verdicts[cid]
        assert verdict.allow is want["allow"], cid
        assert sorted(d.rule for d in verdict.deny) == want["deny"], cid
        assert sorted([o.kind, o.rule] for o in verdict.obligations) == want["obligations"], cid


def test_the_remote_engine_names_itself_and_the_bundle_it_answers_for(loopback_opa):
    assert loopback_opa.name == "opa"
    assert loopback_opa.bundle_sha256 == BUNDLE.sha256
    assert loopback_opa.available is True


def test_an_opa_bundle_is_served_as_is_and_its_revision_is_checked(tmp_path, embedded):
    archive = tmp_path / "bundle.tar.gz"
    write_opa_bundle(BUNDLE, archive)
    case = _case(CASES[0])["input"]
    with opa_rest_server(bundle_tar=archive) as server:
        engine = OpaEngine(BUNDLE, server.url, timeout=10)

        assert engine.evaluate(case) == embedded.evaluate(case)
        # the engine never uploads into a server that runs bundles
        assert server.requests("PUT") == [] and server.requests("DELETE") == []
