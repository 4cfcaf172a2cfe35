"""The JSON document beneath the schemas: every body the API reads is loaded here, once.

RFC 8259 leaves three things to the implementation that Python's ``json`` answers
permissively, and each one let data in that nothing could later use or verify:

- **Duplicate names** (§4: "the names within an object SHOULD be unique"): ``json`` keeps
  the last one, so ``{"email": false, "email": true}`` meant consent to whichever reader
  looked last. Refused (``DuplicateKey``, 400), naming every path that repeats a name.
- **Lone UTF-16 surrogates** (§8.2: an escape such as ``"\\ud800"`` that is not half of a
  pair is not a Unicode character): ``json`` hands back a string that cannot be encoded,
  so it was recorded and then broke every letter and export made from it. Refused
  (``LoneSurrogate``, 422) in values and in names, naming every path.
- **Not JSON at all**: bytes that are not UTF-8 (§8.1), ``NaN``/``Infinity`` (§6: not
  numbers), numbers longer than Python converts, nesting deeper than the parser recurses.
  Refused as ``MalformedDocument`` (a ``ValueError``, as the ``json`` module's own errors).

Paths read as the validation errors do: ``debtor.contact.name``, ``items.3.debtor.ref``;
the document itself is ``_body``. No Flask here: ``service.edge`` plugs ``load_json`` into
every request.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from typing import Any

__all__ = ["DocumentError", "DuplicateKey", "LoneSurrogate", "MalformedDocument", "load_json", "has_lone_surrogate",
           "MAX_REPORTED"]

MAX_REPORTED = 50   # paths named in one error; a document can repeat the same fault many times
# A lone surrogate can only arrive as a \uXXXX escape once the bytes decoded as strict UTF-8.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89abcdefABCDEF]")


class MalformedDocument(ValueError):
    """The body is not a JSON text (RFC 8259); the message says where, never what."""


class DocumentError(Exception):
    """A JSON text that breaks a rule of this API. Deliberately not a ``ValueError``: no
    ``get_json(silent=True)`` may turn it into "no body"."""

    status = 400
    code = "bad_request"
    message = "the JSON document is not acceptable"
    problem = ""

    def __init__(self, paths: list[str]) -> None:
        super().__init__(f"{self.message}: {', '.join(paths)}")
        self.paths = paths

    @property
    def fields(self) -> dict[str, list[str]]:
        return {path: [self.problem] for path in self.paths}


class DuplicateKey(DocumentError):
    status = 400
    code = "duplicate_key"
    message = "an object of the JSON document has the same name more than once"
    problem = "Appears more than once in its object; send each name once."


class LoneSurrogate(DocumentError):
    status = 422
    code = "validation_error"
    message = "the request is not valid"
    problem = "Must not contain a lone UTF-16 surrogate (\\ud800-\\udfff): it is not a Unicode character."


class _Repeated(dict[str, Any]):
    """An object that had a name more than once (marked while parsing, reported by path after)."""

    repeated: list[str]


def has_lone_surrogate(text: str) -> bool:
    if text.isascii():
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def load_json(data: bytes | str) -> Any:
    """The JSON document in ``data`` (UTF-8), or one of this module's errors."""
    if isinstance(data, bytes | bytearray):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise MalformedDocument(f"the body is not UTF-8 (RFC 8259 §8.1): invalid byte at offset {exc.start}") \
                from None
    else:
        text = data
    repeated = False

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        nonlocal repeated
        obj = dict(items)
        if len(obj) == len(items):
            return obj
        repeated = True
        marked = _Repeated(obj)
        seen: set[str] = set()
        marked.repeated = []
        for name, _ in items:
            if name in seen:
                marked.repeated.append(name)
            seen.add(name)
        return marked

    try:
        document = json.loads(text, object_pairs_hook=pairs, parse_constant=_not_a_number)
    except json.JSONDecodeError as exc:
        raise MalformedDocument(f"the body is not JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from None
    except MalformedDocument:
        raise
    except RecursionError:
        raise MalformedDocument("the body is not JSON this API reads: nested too deeply") from None
    except ValueError:   # a number longer than int() converts (sys.get_int_max_str_digits)
        raise MalformedDocument("the body is not JSON this API reads: a number has too many digits") from None
    if repeated:
        raise DuplicateKey(_first(_path(at, name) for at, node in _walk(document)
                                  if isinstance(node, _Repeated) for name in dict.fromkeys(node.repeated)))
    if _SURROGATE_ESCAPE.search(text):
        lone = _first(at for at, node in _walk(document, keys=True)
                      if isinstance(node, str) and has_lone_surrogate(node))
        if lone:
            raise LoneSurrogate(lone)
    return document


def _not_a_number(constant: str) -> Any:
    raise MalformedDocument(f"the body is not JSON: {constant} is not a JSON number (RFC 8259 §6)")


def _first(paths: Iterable[str]) -> list[str]:
    """The distinct paths, in order, at most ``MAX_REPORTED``."""
    found: list[str] = []
    for path in paths:
        if path not in found:
            found.append(path)
        if len(found) == MAX_REPORTED:
            break
    return found


def _segment(name: Any) -> str:
    text = str(name)
    return text.encode("utf-8", "backslashreplace").decode("ascii", "backslashreplace") \
        if has_lone_surrogate(text) else text


def _path(parent: str, name: Any) -> str:
    return f"{parent}.{_segment(name)}" if parent != "_body" else _segment(name)


def _walk(document: Any, *, keys: bool = False) -> Iterator[tuple[str, Any]]:
    """Every node with its path, in document order, without recursion (the parser's depth
    is the only limit). With ``keys``, an object's names are yielded as nodes at the path
    they name."""
    stack: list[tuple[str, Any]] = [("_body", document)]
    while stack:
        at, node = stack.pop()
        yield at, node
        if isinstance(node, dict):
            children = []
            for name, value in node.items():
                path = _path(at, name)
                if keys:
                    children.append((path, name))
                children.append((path, value))
            stack.extend(reversed(children))
        elif isinstance(node, list):
            stack.extend(reversed([(_path(at, index), value) for index, value in enumerate(node)]))
