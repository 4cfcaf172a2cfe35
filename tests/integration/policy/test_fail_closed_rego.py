"""Fail closed in the Rego itself: a rule module that is missing, undefined or erroring makes the
decision an error on every engine, never "allowed, no denials".

The bundles here are built past the loader (which would refuse them first), as a bundle loaded
straight into an engine or an OPA server would be: the registry still lists the module.
"""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import pytest
from integration.policy.opa_rest_server import opa_rest_server

from decisions.policy import OpaEmbeddedEngine, OpaServerEngine, PolicyError, RegopyEngine, load_bundle

BUNDLE = load_bundle()
RULES = sorted(rule.path for rule in BUNDLE.rules)
INPUTS = [json.loads(p.read_text(encoding="utf-8"))["input"]
          for p in sorted((Path(__file__).parent / "cases").glob("*.json"))]


def _poisoned(path: str, how: str):
    modules = dict(BUNDLE.modules)
    source = modules[path]
    if how == "missing":
        del modules[path]
    elif how == "undefined":
        # the module is there, but its outputs are complete rules without a value
        source = re.sub(r"^(deny|obligations) contains ", r"\1_entries contains ", source, flags=re.MULTILINE)
        for output in ("deny", "obligations"):
            if f"{output}_entries contains" in source:
                source += f"\n{output} := {output}_entries if false\n"
        modules[path] = source
    elif how == "erroring":
        # one more body of each output, which errors whenever the module is evaluated (a built-in
        # error: strict on every engine)
        for output in ("deny", "obligations"):
            if re.search(rf"^{output} contains", source, flags=re.MULTILINE):
                source += f'\n{output} contains x if x := to_number("not a number")\n'
        modules[path] = source
    return dataclasses.replace(BUNDLE, modules=tuple(sorted(modules.items())))


@pytest.mark.parametrize("how", ["missing", "undefined"])
@pytest.mark.parametrize("path", RULES)
@pytest.mark.parametrize("engine_class", [OpaEmbeddedEngine, RegopyEngine], ids=["opa-embedded", "regopy"])
def test_a_missing_or_undefined_module_holds_every_case(engine_class, path, how):
    engine = engine_class(_poisoned(path, how))

    for policy_input in INPUTS:
        with pytest.raises(PolicyError, match="undefined"):
            engine.evaluate(policy_input)


@pytest.mark.parametrize("path", RULES)
@pytest.mark.parametrize("engine_class", [OpaEmbeddedEngine, RegopyEngine], ids=["opa-embedded", "regopy"])
def test_an_erroring_module_holds_every_case(engine_class, path):
    engine = engine_class(_poisoned(path, "erroring"))

    for policy_input in INPUTS:
        with pytest.raises(PolicyError, match="eval_builtin_error"):
            engine.evaluate(policy_input)


def test_the_opa_server_holds_every_case_of_a_bundle_missing_a_module():
    with opa_rest_server() as server:
        engine = OpaServerEngine(_poisoned("rules/consent/channel_consent.rego", "missing"), server.url, timeout=10)
        for policy_input in INPUTS:
            with pytest.raises(PolicyError, match="undefined"):
                engine.evaluate(policy_input)
