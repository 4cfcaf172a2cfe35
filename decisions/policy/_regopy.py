"""The one place that talks to regopy (rego-cpp), through its public API only.

Every call into librego runs under ``LIBREGO_LOCK``, including the release of regopy Output
objects: regopy wraps the C API through ctypes, which releases the GIL, and rego-cpp makes no
thread-safety promise for interpreters, compiled bundles or the node trees outputs share with them.

rego-cpp 1.5.2 hazards handled here (the portability guide in policies_rego/README.md lists the
language differences):
- ``Output.binding(name)`` on an undefined result aborts the process: never called; results are
  read from ``Output.results`` (already-parsed JSON) after ``Output.ok()``.
- A runtime error that is not a Rego error (e.g. a call to a function librego does not have) comes
  back as ``ok()`` with a non-JSON text; ``Output``'s constructor then raises ``ValueError``.
- An input is given as JSON text; what librego would read differently from JSON is refused first:
  an integer outside 64 bits (it would wrap), a string with a NUL character (it would be cut), a
  number that is not finite.
"""

from __future__ import annotations

import json
import math
import re
import threading
from collections.abc import Callable
from typing import Any

from regopy import Interpreter, NodeKind, Output, RegoError, rego_shared

__all__ = ["LIBREGO_LOCK", "RegoError", "error_text", "input_text", "new_interpreter", "read_output", "summary"]

LIBREGO_LOCK = threading.Lock()

_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1


def new_interpreter() -> Interpreter:
    """An interpreter that reports built-in errors instead of treating them as undefined."""
    interpreter = Interpreter()
    interpreter.strict_built_in_errors = True
    return interpreter


def input_text(document: Any) -> str:
    """``document`` (JSON types only) as the JSON text librego reads as its input; raises
    ValueError for what librego would not read faithfully."""
    _check(document)
    return json.dumps(document, ensure_ascii=False, allow_nan=False)


def _check(value: Any) -> None:
    kind = type(value)
    if kind is str:
        if "\x00" in value:
            raise ValueError("a string contains a NUL character")
        if not value.isascii():
            value.encode("utf-8")   # UnicodeEncodeError (a ValueError) on a lone surrogate
    elif kind is dict:
        for key, item in value.items():
            if type(key) is not str:
                raise ValueError(f"object key {key!r} is not a string")
            _check(key)
            _check(item)
    elif kind is list or kind is tuple:
        for item in value:
            _check(item)
    elif kind is int:
        if not _INT64_MIN <= value <= _INT64_MAX:
            raise ValueError(f"integer {value} does not fit rego-cpp's 64 bits")
    elif kind is float:
        if not math.isfinite(value):
            raise ValueError(f"{value} is not a JSON number")
    elif value is not None and kind is not bool:
        raise ValueError(f"a {kind.__name__} is not a JSON value")


def read_output(produce: Callable[[], Output]) -> tuple[str | None, Any]:
    """Run ``produce()`` (a regopy query returning an Output) and read it, under the lock held by
    the caller. Returns ``(failure, value)``: ``failure`` is None and ``value`` the single
    expression's JSON value, or ``failure`` says why there is no value.

    The Output is released before returning, still under the caller's lock.
    """
    try:
        output = produce()
    except (RegoError, ValueError) as exc:
        # The half-built Output lives in exc's traceback, which dies at the end of this clause.
        return f"{type(exc).__name__}: {summary(str(exc))}", None
    try:
        if not output.ok():
            return f"evaluation error: {error_text(output)}", None
        results = output.results
        if len(results) != 1 or len(results[0].expressions) != 1:
            return "the query result is undefined", None
        return None, results[0].expressions[0]
    finally:
        del output


def error_text(output: Output) -> str:
    """The messages of an error output ("Unable to parse time (eval_builtin_error)"), read from its
    error nodes without walking their ASTs (which may hold the whole input). regopy's ``Node``
    cannot read error nodes, so this uses the C API functions it is built on, with its own
    ``NodeKind`` names. Caller holds LIBREGO_LOCK."""
    try:
        root = output.node()._impl
        if rego_shared.rego_node_type(root) != NodeKind.ErrorSeq.value:
            return summary(str(output))
        messages = []
        for i in range(rego_shared.rego_node_size(root)):
            error = rego_shared.rego_node_get(root, i)
            parts = {}
            for j in range(rego_shared.rego_node_size(error)):
                child = rego_shared.rego_node_get(error, j)
                kind = rego_shared.rego_node_type(child)
                if kind in (NodeKind.ErrorMessage.value, NodeKind.ErrorCode.value):
                    parts[kind] = rego_shared.rego_node_value(child)
            text = parts.get(NodeKind.ErrorMessage.value, "error")
            code = parts.get(NodeKind.ErrorCode.value)
            messages.append(f"{text} ({code})" if code else text)
        return "; ".join(messages)[:300] or summary(str(output))
    except (RegoError, ValueError, AttributeError):
        return summary(str(output))


_ERROR_MESSAGE = re.compile(r"\(errormsg \d+:([^)\n]*)")
_ERROR_CODE = re.compile(r"\(errorcode \d+:([^)\n]*)")


def summary(text: str) -> str:
    """rego-cpp's error text (an AST dump that may hold the whole input) cut down to its messages
    and codes: "Unable to parse time (eval_builtin_error)"."""
    messages = [m.strip() for m in _ERROR_MESSAGE.findall(text)]
    codes = [c.strip() for c in _ERROR_CODE.findall(text)]
    if not messages:
        return text[:300]
    return "; ".join(dict.fromkeys(f"{m} ({codes[0]})" if codes else m for m in messages))[:300]
