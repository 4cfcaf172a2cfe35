"""Canonical JSON: the fast path and the reference (``rfc8785``) give the same bytes, and
both give the RFC 8785 vectors."""

from __future__ import annotations

import json
import math
import struct

import pytest
import rfc8785
from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.canonical import canonical_json

# RFC 8785 Appendix B: IEEE 754 doubles (hex) and their canonical form.
NUMBER_VECTORS = [
    ("0000000000000000", "0"), ("8000000000000000", "0"), ("0000000000000001", "5e-324"),
    ("8000000000000001", "-5e-324"), ("7fefffffffffffff", "1.7976931348623157e+308"),
    ("ffefffffffffffff", "-1.7976931348623157e+308"), ("4340000000000000", "9007199254740992"),
    ("c340000000000000", "-9007199254740992"), ("4430000000000000", "295147905179352830000"),
    ("44b52d02c7e14af5", "9.999999999999997e+22"), ("44b52d02c7e14af6", "1e+23"),
    ("44b52d02c7e14af7", "1.0000000000000001e+23"), ("444b1ae4d6e2ef4e", "999999999999999700000"),
    ("444b1ae4d6e2ef4f", "999999999999999900000"), ("444b1ae4d6e2ef50", "1e+21"),
    ("3eb0c6f7a0b5ed8c", "9.999999999999997e-7"), ("3eb0c6f7a0b5ed8d", "0.000001"),
    ("41b3de4355555553", "333333333.3333332"), ("41b3de4355555554", "333333333.33333325"),
    ("41b3de4355555555", "333333333.3333333"), ("41b3de4355555556", "333333333.3333334"),
    ("41b3de4355555557", "333333333.33333343"), ("becbf647612f3696", "-0.0000033333333333333333"),
    ("43143ff3c1cb0959", "1424953923781206.2"),
]


def _double(hex_bits: str) -> float:
    value: float = struct.unpack(">d", bytes.fromhex(hex_bits))[0]
    return value


@pytest.mark.parametrize(("bits", "expected"), NUMBER_VECTORS)
def test_the_rfc_number_vectors(bits: str, expected: str) -> None:
    assert canonical_json(_double(bits)) == expected.encode()
    assert canonical_json([_double(bits), {"n": _double(bits)}]) == f'[{expected},{{"n":{expected}}}]'.encode()


@pytest.mark.parametrize("bits", ["7fffffffffffffff", "7ff0000000000000", "fff0000000000000"])
def test_nan_and_infinities_are_refused(bits: str) -> None:
    with pytest.raises(ValueError):
        canonical_json({"x": _double(bits)})


def test_the_rfc_sorting_and_string_examples() -> None:
    # RFC 8785 §3.2.3: keys sorted by their UTF-16 code units (U+1F600 sorts before U+FB33)
    sorting = {"\u20ac": "Euro Sign", "\r": "Carriage Return", "\ufb33": "Hebrew Letter Dalet With Dagesh",
               "1": "One", "\U0001f600": "Emoji: Grinning Face", "\u0080": "Control", "\u00f6": "Latin Small Letter O With Diaeresis"}
    keys = list(json.loads(canonical_json(sorting)))
    assert keys == ["\r", "1", "\u0080", "\u00f6", "\u20ac", "\U0001f600", "\ufb33"]
    # §3.2.2.2: only the mandatory escapes, lowercase hex; everything else as UTF-8
    assert canonical_json("\u20ac$\u000f\nA'B\"\\\\\"/") == '"\u20ac$\\u000f\\nA\'B\\"\\\\\\\\\\"/"'.encode()
    # §3.2.2.3 example: numbers, literals
    value = {"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
             "literals": [None, True, False]}
    assert canonical_json(value) == (b'{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,'
                                     b'1e-27]}')


def test_integers_beyond_the_safe_range_and_lone_surrogates_are_refused() -> None:
    for value in (2**53, -(2**53), {"k": "\ud800"}):
        with pytest.raises(ValueError):
            canonical_json(value)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53) + 1, 2**53 - 1)
    | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6), children, max_size=4),
    max_leaves=20)


@settings(max_examples=600, deadline=None)
@given(json_values)
def test_the_fast_path_gives_the_reference_bytes(value: object) -> None:
    try:
        expected = rfc8785.dumps(value)
    except rfc8785.CanonicalizationError:
        with pytest.raises(ValueError):
            canonical_json(value)
        return
    assert canonical_json(value) == expected


@settings(max_examples=300, deadline=None)
@given(st.floats(allow_nan=False, allow_infinity=False) | st.floats(min_value=1e-5, max_value=1e-3)
       | st.floats(min_value=1e15, max_value=1e17) | st.integers(-(2**53) + 1, 2**53 - 1).map(float))
def test_every_float_gives_the_reference_bytes(value: float) -> None:
    assert canonical_json({"x": value, "y": [value, -value]}) == rfc8785.dumps({"x": value, "y": [value, -value]})
    assert not math.isnan(value)
