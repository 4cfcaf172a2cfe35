"""Access codes: deterministic per subject and key, readable, unambiguous, forgiving to type."""

from __future__ import annotations

import re

from decisions.rights.portal_access import ALPHABET, access_code, normalise_code

KEY = bytes(range(32))


def test_a_code_is_three_groups_of_four_unambiguous_characters() -> None:
    code = access_code(KEY, "a" * 64)
    assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}", code)
    assert not set(code.replace("-", "")) & set("01OILU")
    assert set(ALPHABET).isdisjoint("01OILU")


def test_the_code_depends_on_subject_and_key_only() -> None:
    assert access_code(KEY, "a" * 64) == access_code(KEY, "a" * 64)
    assert access_code(KEY, "a" * 64) != access_code(KEY, "b" * 64)
    assert access_code(KEY, "a" * 64) != access_code(bytes(32), "a" * 64)
    codes = {access_code(KEY, f"{i:064x}") for i in range(2000)}
    assert len(codes) == 2000


def test_what_a_person_types_is_normalised() -> None:
    code = access_code(KEY, "a" * 64)
    assert normalise_code(code.lower().replace("-", " ")) == code
    assert normalise_code(f"  {code.replace('-', '')}  ") == code
    assert normalise_code("ABCD-EFGH") is None
    assert normalise_code("ABCD-EFGH-JKU2") is None   # U is not in the alphabet
