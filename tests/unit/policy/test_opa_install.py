"""The OPA engine's wheel is pinned in one place the Makefile and the code share."""

import re
from pathlib import Path

from decisions.policy._opa_embedded import OPA_BINDINGS, opa_version


def test_the_makefile_installs_the_pinned_wheel_the_engine_names():
    makefile = (Path(__file__).resolve().parents[3] / "Makefile").read_text()

    assert re.search(rf"^OPA_BINDINGS := {re.escape(OPA_BINDINGS)}$", makefile, re.MULTILINE)
    assert "--ignore-requires-python $(OPA_BINDINGS)" in makefile


def test_the_opa_version_is_read_from_the_library():
    assert re.fullmatch(r"1\.\d+\.\d+", opa_version())
