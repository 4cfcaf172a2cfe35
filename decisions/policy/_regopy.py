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

The hot path (``set_input``, ``query_compiled``) talks to the C API directly: regopy's ``Input``
walks the document through generic isinstance checks and wrappers (about 0.4 ms for a
five-candidate case), and its ``Output`` serialises every result twice. Building the input node
by node here costs about half, and the result is read once.
"""

from __future__ import annotations

import ctypes
import json
import math
import threading
from typing import Any

from regopy import Input, Interpreter, Output, RegoError
from regopy.rego_shared import rego as _lib

__all__ = [
    "LIBREGO_LOCK", "Input", "RegoError", "error_text", "new_interpreter", "query_compiled", "read_output",
    "set_input",
]

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


# --- the hot path ------------------------------------------------------------------------------

_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1
_OK = 0


def set_input(interpreter: Interpreter, document: Any) -> None:
    """Give ``document`` (JSON types only) to the interpreter as its input. Caller holds the lock.

    Raises ValueError for what JSON or librego cannot carry faithfully: a non-string key, a
    non-finite number, an integer outside 64 bits (librego would wrap it) or a string with a NUL
    character (librego would cut it).
    """
    handle = _lib.regoNewInput()
    try:
        _push(handle, document)
        if _lib.regoSetInput(interpreter._impl, handle) != _OK:
            raise RegoError("the interpreter refused the input")
    finally:
        _lib.regoFreeInput(handle)


def _push(handle: int, value: Any) -> None:
    kind = type(value)
    if kind is str:
        _check(_lib.regoInputString(handle, _text(value)))
    elif kind is dict:
        for key, item in value.items():
            if type(key) is not str:
                raise ValueError(f"object key {key!r} is not a string")
            _check(_lib.regoInputString(handle, _text(key)))
            _push(handle, item)
            _check(_lib.regoInputObjectItem(handle))
        _check(_lib.regoInputObject(handle, len(value)))
    elif kind is list or kind is tuple:
        for item in value:
            _push(handle, item)
        _check(_lib.regoInputArray(handle, len(value)))
    elif kind is bool:
        _check(_lib.regoInputBoolean(handle, value))
    elif kind is int:
        if not _INT64_MIN <= value <= _INT64_MAX:
            raise ValueError(f"integer {value} does not fit the embedded engine's 64 bits")
        _check(_lib.regoInputInt(handle, value))
    elif value is None:
        _check(_lib.regoInputNull(handle))
    elif kind is float:
        if not math.isfinite(value):
            raise ValueError(f"{value} is not a JSON number")
        _check(_lib.regoInputFloat(handle, value))
    else:
        raise ValueError(f"a {kind.__name__} is not a JSON value")


def _text(value: str) -> bytes:
    if "\x00" in value:
        raise ValueError("a string contains a NUL character")
    return value.encode("utf-8")


def _check(code: int) -> None:
    if code != _OK:
        raise RegoError("librego refused an input value", code)


def query_compiled(interpreter: Interpreter, compiled: Any) -> tuple[str | None, Any]:
    """Run the compiled plan on the current input; ``(failure, value)`` as ``read_output``.
    Caller holds the lock."""
    handle = _lib.regoBundleQuery(interpreter._impl, compiled._impl)
    if not handle:
        return f"RegoError: {interpreter_error(interpreter)}", None
    try:
        size = _lib.regoOutputJSONSize(handle)
        buffer = ctypes.create_string_buffer(size)
        if _lib.regoOutputJSON(handle, buffer, size) != _OK:
            return "the output could not be read", None
        text = buffer.value.decode("utf-8")
        if not _lib.regoOutputOk(handle):
            return f"evaluation error: {_error_of(handle, text)}", None
        if text == "undefined":
            return "the query result is undefined", None
        try:
            parsed = json.loads(text)
        except ValueError as exc:   # a runtime error librego reports as ok with a non-JSON text
            return f"{type(exc).__name__}: {exc}", None
        results = parsed if isinstance(parsed, list) else [parsed]
        if len(results) != 1 or len(results[0].get("expressions", ())) != 1:
            return "the query result is undefined", None
        return None, results[0]["expressions"][0]
    finally:
        _lib.regoFreeOutput(handle)


def interpreter_error(interpreter: Interpreter) -> str:
    from regopy.rego_shared import rego_get_error

    return rego_get_error(interpreter._impl)


def _error_of(handle: int, text: str) -> str:
    class _Raw:
        def node(self) -> Any:
            from regopy.node import Node

            return Node(_lib.regoOutputNode(handle))

        def __str__(self) -> str:
            return text

    return error_text(_Raw())  # type: ignore[arg-type]
