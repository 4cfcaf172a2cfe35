"""Read the ``# METADATA`` annotation blocks of Rego modules.

OPA parses these blocks as YAML. There is no YAML library among fairdun's dependencies, so this
reads the subset the catalogue uses (mappings, lists, quoted and plain scalars, folded and
literal block scalars) and refuses anything it would read differently from YAML: a plain scalar
containing ": " or " #", or starting with a YAML indicator, must be quoted.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

__all__ = ["MetadataError", "metadata_blocks"]


class MetadataError(ValueError):
    """A METADATA block is not in the YAML subset the catalogue uses."""


_KEY = re.compile(r"^([A-Za-z_][A-Za-z0-9_-]*):(?:[ ]+(.*))?$")
_INDICATORS = tuple("*&!%@`{}[]>|'\"#,?")
_BLOCK_STYLES = {">", ">-", "|", "|-"}


@dataclass
class _Line:
    indent: int
    text: str
    number: int


def metadata_blocks(source: str) -> list[dict[str, Any]]:
    """Every METADATA block of a module, in order, each parsed into a dict."""
    blocks: list[dict[str, Any]] = []
    lines = source.splitlines()
    i = 0
    while i < len(lines):
        if lines[i].strip() != "# METADATA":
            i += 1
            continue
        start = i + 1
        body: list[_Line] = []
        i += 1
        while i < len(lines) and lines[i].startswith("#"):
            text = lines[i][1:]
            text = text[1:] if text.startswith(" ") else text
            if text.strip():
                body.append(_Line(len(text) - len(text.lstrip(" ")), text.strip(), i + 1))
            i += 1
        parser = _Parser(body)
        value = parser.parse_block(0) if body else {}
        if not isinstance(value, dict):
            raise MetadataError(f"line {start}: a METADATA block must be a mapping")
        blocks.append(value)
    return blocks


class _Parser:
    def __init__(self, lines: list[_Line]) -> None:
        self.lines = lines
        self.pos = 0

    def _peek(self) -> _Line | None:
        return self.lines[self.pos] if self.pos < len(self.lines) else None

    def parse_block(self, indent: int) -> Any:
        line = self._peek()
        if line is None:
            return None
        if line.indent != indent:
            raise MetadataError(f"line {line.number}: unexpected indentation")
        value = self._list(indent) if _is_item(line.text) else self._mapping(indent)
        after = self._peek()
        if indent == 0 and after is not None:
            raise MetadataError(f"line {after.number}: unexpected indentation")
        return value

    def _mapping(self, indent: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        while (line := self._peek()) is not None and line.indent == indent and not _is_item(line.text):
            match = _KEY.match(line.text)
            if match is None:
                raise MetadataError(f"line {line.number}: expected 'key: value'")
            key, rest = match.group(1), (match.group(2) or "").strip()
            if key in result:
                raise MetadataError(f"line {line.number}: duplicate key {key!r}")
            self.pos += 1
            if rest in _BLOCK_STYLES:
                result[key] = self._block_scalar(indent, rest)
            elif rest:
                result[key] = _scalar(rest, line.number)
            else:
                nxt = self._peek()
                if nxt is not None and (nxt.indent > indent or (nxt.indent == indent and _is_item(nxt.text))):
                    result[key] = self._list(nxt.indent) if _is_item(nxt.text) else self._mapping(nxt.indent)
                else:
                    result[key] = None
        line = self._peek()
        if line is not None and line.indent > indent:
            raise MetadataError(f"line {line.number}: unexpected indentation")
        return result

    def _list(self, indent: int) -> list[Any]:
        items: list[Any] = []
        while (line := self._peek()) is not None and line.indent == indent and _is_item(line.text):
            content = line.text[1:].strip()
            if _KEY.match(content):
                # "- key: value" opens a mapping whose keys line up with "key".
                self.lines[self.pos] = _Line(indent + 2, content, line.number)
                items.append(self._mapping(indent + 2))
            elif content:
                self.pos += 1
                items.append(_scalar(content, line.number))
            else:
                raise MetadataError(f"line {line.number}: empty list item")
        return items

    def _block_scalar(self, indent: int, style: str) -> str:
        parts: list[str] = []
        while (line := self._peek()) is not None and line.indent > indent:
            parts.append(line.text)
            self.pos += 1
        text = (" " if style.startswith(">") else "\n").join(parts)
        return text if style.endswith("-") else text + "\n"


def _is_item(text: str) -> bool:
    return text == "-" or text.startswith("- ")


def _scalar(text: str, number: int) -> str:
    if text.startswith('"'):
        try:
            value = json.loads(text)
        except json.JSONDecodeError as exc:
            raise MetadataError(f"line {number}: bad double-quoted scalar") from exc
        if not isinstance(value, str):
            raise MetadataError(f"line {number}: bad double-quoted scalar")
        return value
    if text.startswith("'"):
        if len(text) < 2 or not text.endswith("'"):
            raise MetadataError(f"line {number}: bad single-quoted scalar")
        return text[1:-1].replace("''", "'")
    if text.startswith(_INDICATORS) or ": " in text or " #" in text or text.endswith(":"):
        raise MetadataError(f"line {number}: quote this scalar, YAML would read it differently: {text!r}")
    return text
