"""The remote engine over real HTTP: it uploads the bundle once, re-uploads to a server that forgot
it, answers only for its own bundle, retries connection failures at most twice (and nothing
else), and maps every failure to PolicyError."""

from __future__ import annotations

import copy
import dataclasses
import json
import shutil
import socket
import threading
from pathlib import Path

import pytest
from integration.policy.opa_rest_server import opa_rest_server

from decisions.policy import OpaServerEngine, PolicyError, load_bundle, shipped_bundle_dir, write_opa_bundle

BUNDLE = load_bundle()
CASE = json.loads((Path(__file__).parent / "cases" / "de_consumer_first_party.json").read_text())["input"]


@pytest.fixture
def server():
    with opa_rest_server() as running:
        yield running


def _engine(server, timeout: float = 10) -> OpaServerEngine:
    return OpaServerEngine(BUNDLE, server.url, timeout=timeout)


def test_the_first_evaluation_uploads_the_bundle_and_later_ones_do_not(server):
    engine = _engine(server)

    engine.evaluate(CASE)
    engine.evaluate(CASE)

    uploaded = sorted(p.removeprefix("/v1/policies/") for _, p in server.requests("PUT", "/v1/policies/"))
    assert uploaded == sorted(f"fairdun/{path}" for path, _ in BUNDLE.modules)
    assert server.requests("PUT", "/v1/data/") == [("PUT", "/v1/data/parameters")]
    assert len(server.requests("POST")) == 3   # undefined, then after the upload, then once more


def test_a_server_that_forgot_the_bundle_gets_it_again(server):
    engine = _engine(server)
    first = engine.evaluate(CASE)
    server.forget()

    assert engine.evaluate(CASE) == first
    assert len(server.requests("PUT", "/v1/data/")) == 2


def test_stale_fairdun_policies_are_removed_and_others_left_alone(server):
    server.state.policies["fairdun/rules/old/gone.rego"] = "package rules.old.gone\n"
    server.state.policies["someone/else.rego"] = "package someone.else_\n"

    _engine(server).evaluate(CASE)

    assert "fairdun/rules/old/gone.rego" not in server.state.policies
    assert "someone/else.rego" in server.state.policies


def test_a_server_running_another_bundle_is_refused(tmp_path):
    other_dir = tmp_path / "other"
    shutil.copytree(shipped_bundle_dir(), other_dir, ignore=shutil.ignore_patterns("__pycache__", "*_test.rego"))
    (other_dir / "data.json").write_text((other_dir / "data.json").read_text() + " ")
    archive = tmp_path / "other.tar.gz"
    write_opa_bundle(load_bundle(other_dir), archive)

    with opa_rest_server(bundle_tar=archive) as server:
        with pytest.raises(PolicyError, match="OPA evaluates bundle revision"):
            _engine(server).evaluate(CASE)
        assert server.requests("PUT") == []


def test_two_dropped_connections_are_retried_and_a_third_is_not(server):
    engine = _engine(server)
    engine.evaluate(CASE)
    before = len(server.requests("POST"))

    server.faults.drop_connections = 2
    engine.evaluate(CASE)
    assert len(server.requests("POST")) - before == 3

    server.faults.drop_connections = 3
    with pytest.raises(PolicyError, match="connection failed"):
        engine.evaluate(CASE)
    assert len(server.requests("POST")) - before == 6


def test_a_refused_connection_is_a_policy_error():
    with socket.socket() as probe:       # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    engine = OpaServerEngine(BUNDLE, f"http://127.0.0.1:{port}", timeout=2)

    with pytest.raises(PolicyError, match="connection failed"):
        engine.evaluate(CASE)
    assert engine.available is False


def test_a_slow_answer_times_out_and_is_not_retried(server):
    engine = _engine(server, timeout=0.3)
    engine.evaluate(CASE)
    before = len(server.requests("POST"))
    server.faults.hold = threading.Event()
    try:
        with pytest.raises(PolicyError, match="timed out"):
            engine.evaluate(CASE)
    finally:
        server.faults.hold.set()
    assert len(server.requests("POST")) - before == 1


@pytest.mark.parametrize(("fault", "message"), [
    ({"error_status": 500}, "HTTP 500: injected"),
    ({"garbage": True}, "JSONDecodeError"),
])
def test_a_failing_or_unreadable_answer_is_a_policy_error_without_retry(server, fault, message):
    engine = _engine(server)
    engine.evaluate(CASE)
    before = len(server.requests("POST"))
    for key, value in fault.items():
        setattr(server.faults, key, value)

    with pytest.raises(PolicyError, match=message):
        engine.evaluate(CASE)
    assert len(server.requests("POST")) - before == 1


def test_a_bundle_the_server_cannot_compile_is_a_policy_error(server):
    # (the loader refuses such a bundle; built past it, as another tool's bundle could reach a server)
    broken = dataclasses.replace(BUNDLE, modules=tuple(
        (path, "package fairdun\n\ndecision := {{{\n" if path == "fairdun/decision.rego" else source)
        for path, source in BUNDLE.modules))
    engine = OpaServerEngine(broken, server.url, timeout=10)

    with pytest.raises(PolicyError, match="put policy fairdun/fairdun/decision.rego"):
        engine.evaluate(CASE)


@pytest.mark.parametrize("mutate", [
    lambda i: i["candidates"][0].update(channel="fax"),
    lambda i: i["case"]["risk"].update(uncertainty=float("nan")),
])
def test_inputs_are_refused_before_anything_is_sent(server, mutate):
    policy_input = copy.deepcopy(CASE)
    mutate(policy_input)

    with pytest.raises(PolicyError):
        _engine(server).evaluate(policy_input)
    assert server.requests() == []


@pytest.mark.parametrize("url", ["ftp://127.0.0.1:8181", "http://127.0.0.1:8181/v1", "127.0.0.1:8181"])
def test_an_unusable_url_is_refused_at_construction(url):
    with pytest.raises(PolicyError, match="OPA URL"):
        OpaServerEngine(BUNDLE, url)
