"""Policies are reproducible (DESIGN.md: time is passed in) and run on regopy: no call to a
non-deterministic built-in in a runtime module, no call to a built-in regopy lacks anywhere."""

import re

import pytest
from regopy import Interpreter

from decisions.policy import load_bundle
from decisions.policy._bundle import package_of, rego_files
from decisions.policy._rego_tests import _without_comments

# Built-ins whose result depends on the clock, randomness, the network or the host.
NONDETERMINISTIC = (
    "time.now_ns", "rand.", "uuid.", "http.send", "net.lookup_ip_addr", "opa.runtime",
    "io.jwt.encode_sign", "io.jwt.decode_verify", "crypto.x509.parse_and_verify_certificates",
)
KEYWORDS = {"if", "not", "some", "every", "in", "contains", "else", "with", "as", "default", "set"}

_IMPORT = re.compile(r"^import[ \t]+data\.([\w.]+?)(?:[ \t]+as[ \t]+(\w+))?[ \t]*$", re.MULTILINE)
_FUNCTION_HEAD = re.compile(r"^([A-Za-z_]\w*)\(", re.MULTILINE)
_CALL = re.compile(r"(?<![\w.])([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)\s*\(")
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"|`[^`]*`')


def _code(source):
    return _STRING.sub('""', _without_comments(source))


def builtin_calls(modules):
    """{path: {built-in name called}} for {path: source}: calls that are not user functions."""
    packages = {path: package_of(path, source) for path, source in modules.items()}
    functions = {f"{packages[p]}.{name}" for p, s in modules.items() for name in _FUNCTION_HEAD.findall(_code(s))}
    found = {}
    for path, source in modules.items():
        aliases = {(alias or ref.rsplit(".", 1)[-1]): ref for ref, alias in _IMPORT.findall(source)}
        calls = set()
        for name in _CALL.findall(_code(source)):
            head, _, rest = name.partition(".")
            if name in KEYWORDS or f"{packages[path]}.{name}" in functions:
                continue
            if head in aliases and f"{aliases[head]}.{rest}" in functions:
                continue
            if head == "data" and rest in functions:
                continue
            calls.add(name)
        found[path] = calls
    return found


BUNDLE = load_bundle()
CALLS = builtin_calls({p: (BUNDLE.root / p).read_text(encoding="utf-8") for p in rego_files(BUNDLE.root)})
RUNTIME = {p: calls for p, calls in CALLS.items() if not p.endswith("_test.rego")}


def test_the_scan_sees_the_built_ins_the_policies_call():
    called = set().union(*RUNTIME.values())

    assert {"object.remove", "sprintf", "concat", "count", "is_string"} <= called
    assert "lib.deny" not in called and "cite" not in called and "deny" not in called


@pytest.mark.parametrize("path", sorted(RUNTIME))
def test_runtime_modules_call_no_nondeterministic_built_in(path):
    assert {name for name in RUNTIME[path] if name.startswith(NONDETERMINISTIC)} == set()


@pytest.mark.parametrize("path", sorted(CALLS))
def test_every_called_built_in_exists_in_regopy(path):
    interpreter = Interpreter()

    assert {name for name in CALLS[path] if not interpreter.is_builtin(name)} == set()


def test_the_scan_catches_a_clock_read_and_an_unsupported_built_in():
    planted = builtin_calls({
        "rules/x/clock.rego": 'package rules.x.clock\nimport rego.v1\n'
                              'now := time.now_ns()  # read the clock\n'
                              'page := http.send({"url": "https://example.org"})\n'
                              'f(x) := x\ny := f(1)\n',
    })["rules/x/clock.rego"]

    assert planted == {"time.now_ns", "http.send"}
    assert not Interpreter().is_builtin("http.send")


# rego-cpp 1.5.2 compares numbers as text in these (min([900, 1439]) is 1439): policies must not
# rely on them (see policies_rego/README.md).
UNRELIABLE = {"min", "max", "sort"}


@pytest.mark.parametrize("path", sorted(RUNTIME))
def test_runtime_modules_call_no_built_in_regopy_gets_wrong(path):
    assert RUNTIME[path] & UNRELIABLE == set()


def test_regopy_still_gets_min_wrong():
    """When this fails, rego-cpp was fixed: the ban above can go."""
    output = Interpreter().query("x := min([900, 1439])")
    assert output.results[0].bindings["x"] == 1439


_FUNCTION_DEF = re.compile(r"^([A-Za-z_]\w*)\(([^)]*)\)\s*(?::=|if\b|=)", re.MULTILINE)


def test_functions_of_the_same_name_have_the_same_arity_everywhere():
    """rego-cpp aborts the process when two packages define a function of the same name with
    different arities."""
    arities: dict[str, set[int]] = {}
    for path in rego_files(BUNDLE.root):
        code = _code((BUNDLE.root / path).read_text(encoding="utf-8"))
        for name, args in _FUNCTION_DEF.findall(code):
            arities.setdefault(name, set()).add(len([a for a in args.split(",") if a.strip()]))

    assert {name: a for name, a in arities.items() if len(a) > 1} == {}
