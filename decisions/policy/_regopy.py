"""The one place that talks to regopy (rego-cpp).

Every call into librego runs under ``LIBREGO_LOCK``, including the release of regopy Output
objects: regopy wraps the C API through ctypes, which releases the GIL, and rego-cpp makes no
thread-safety promise for interpreters, compiled bundles or the node trees outputs share with them.
An evaluation holds the lock for about 0.1 ms, so serialising them costs nothing measurable next
to the rest of a request (numbers in policies_rego/README.md).

Known regopy 1.5.2 hazards handled here:
- ``Output.binding(name)`` on an undefined result aborts the process: never called; results are
  read from ``Output.results`` (already-parsed JSON) after ``Output.ok()``.
- A runtime error that is not a Rego error (e.g. a call to a function librego does not have) comes
  back as ``ok()`` with a non-JSON text; ``Output``'s constructor then raises ``ValueError``.
- ``with input as <value>`` (replacing the whole input) aborts or corrupts the process, at build or
  evaluation; test modules using it are refused before they reach librego (see _rego_tests).
"""

from __future__ import annotations

import threading
from typing import Any

from regopy import Input, Interpreter, Output, RegoError

__all__ = ["LIBREGO_LOCK", "Input", "RegoError", "error_text", "new_interpreter", "read_output"]

LIBREGO_LOCK = threading.Lock()

# rego-cpp node kinds (regopy.rego_shared.NodeKind) of an error output.
_ERROR_SEQ, _ERROR, _ERROR_MSG, _ERROR_CODE = 1804, 1800, 1801, 1803


def new_interpreter() -> Interpreter:
    """An interpreter that reports built-in errors instead of treating them as undefined."""
    interpreter = Interpreter()
    interpreter.strict_built_in_errors = True
    return interpreter


def error_text(output: Output) -> str:
    """The messages of an error output ("Unable to parse time (eval_builtin_error)"), without
    walking the error's AST (which may hold the whole input). Caller holds LIBREGO_LOCK."""
    try:
        from regopy.rego_shared import rego_node_get, rego_node_size, rego_node_type, rego_node_value

        root = output.node()._impl
        if rego_node_type(root) != _ERROR_SEQ:
            return str(output)
        messages = []
        for i in range(rego_node_size(root)):
            error = rego_node_get(root, i)
            if rego_node_type(error) != _ERROR:
                continue
            parts = {}
            for j in range(rego_node_size(error)):
                child = rego_node_get(error, j)
                kind = rego_node_type(child)
                if kind in (_ERROR_MSG, _ERROR_CODE):
                    parts[kind] = rego_node_value(child)
            text = parts.get(_ERROR_MSG, "error")
            messages.append(f"{text} ({parts[_ERROR_CODE]})" if parts.get(_ERROR_CODE) else text)
        return "; ".join(messages) or str(output)
    except (ImportError, AttributeError, RegoError, ValueError):
        return str(output)


def read_output(produce: Any) -> tuple[str | None, Any]:
    """Run ``produce()`` (a regopy query returning an Output) and read it, under the lock held by
    the caller. Returns ``(failure, value)``: ``failure`` is None and ``value`` the single
    expression's JSON value, or ``failure`` says why there is no value.

    The Output is released before returning, still under the caller's lock.
    """
    try:
        output = produce()
    except (RegoError, ValueError) as exc:
        # The half-built Output lives in exc's traceback, which dies at the end of this clause.
        return f"{type(exc).__name__}: {exc}", None
    try:
        if not output.ok():
            return f"evaluation error: {error_text(output)}", None
        results = output.results
        if len(results) != 1 or len(results[0].expressions) != 1:
            return "the query result is undefined", None
        return None, results[0].expressions[0]
    finally:
        del output
