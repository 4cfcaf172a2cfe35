"""Cursor pages, the one way every ``/v1`` list pages: ``?limit=&cursor=`` in,
``{"<items>": [...], "next_cursor": "…" | null}`` out. A cursor is opaque (base64url of the
list's name and a position in it), refused with a 422 naming the field when it is not one this
list gave out; ``limit`` is bounded (422 naming ``limit`` beyond it)."""

from __future__ import annotations

import base64
import binascii
import re
from datetime import UTC, datetime, timedelta
from typing import Any

from marshmallow import ValidationError, fields, validate

__all__ = ["Cursor", "KeysetCursor", "page_limit", "DEFAULT_PAGE"]

DEFAULT_PAGE = 100
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def page_limit(*, maximum: int, default: int = DEFAULT_PAGE) -> fields.Integer:
    return fields.Integer(load_default=default, validate=validate.Range(min=1, max=maximum),
                          metadata={"description": f"entries per page (1 to {maximum}, default {default})"})


class Cursor(fields.String):
    """An opaque position in a list, as the list gave it out in ``next_cursor``: an integer
    (a sequence number or an index) in this class."""

    payload = r"(0|[1-9][0-9]{0,9})"

    def __init__(self, *, kind: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.kind = kind
        self._pattern = re.compile(re.escape(kind) + "/" + self.payload)

    def encode(self, position: Any) -> str:
        text = f"{self.kind}/{self._payload_of(position)}"
        return base64.urlsafe_b64encode(text.encode("ascii")).decode("ascii").rstrip("=")

    def _payload_of(self, position: Any) -> str:
        return str(int(position))

    def _position(self, match: re.Match[str]) -> Any:
        return int(match.group(1))

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> Any:   # the position
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            raw = base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True).decode("ascii")
        except (ValueError, binascii.Error):
            raw = ""
        match = self._pattern.fullmatch(raw)
        if match is None:
            raise ValidationError("Not a cursor of this list: send next_cursor as the list gave it.")
        return self._position(match)


class KeysetCursor(Cursor):
    """The position after an entry of a list ordered by a moment, then an id (due date, then
    case id): ``(datetime, id)``. An entry added later lands in its place; none is skipped or
    repeated while its moment stays the same."""

    payload = r"(-?[0-9]{1,17})/([0-9A-Za-z-]{1,64})"

    def _payload_of(self, position: Any) -> str:
        moment, ident = position
        return f"{(moment - _EPOCH) // timedelta(microseconds=1)}/{ident}"

    def _position(self, match: re.Match[str]) -> Any:
        try:
            moment = _EPOCH + timedelta(microseconds=int(match.group(1)))
        except OverflowError as exc:
            raise ValidationError("Not a cursor of this list: send next_cursor as the list gave it.") from exc
        return moment, match.group(2)
