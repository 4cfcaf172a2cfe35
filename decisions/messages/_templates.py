"""Template sets: versioned folders of Jinja2 templates, each named by the SHA-256 of its files.

    sets = shipped_template_sets()
    sets.current.version, sets.current.sha256     # what new decisions are rendered with
    sets.by_sha256(recorded)                       # the set a recorded message was rendered with

A set is a folder ``templates/<version>/`` of text files: ``set.json`` (its parameters and
labels), ``layouts/<channel>.<language>.txt`` (e-mail, SMS, letter: salutation, amounts,
payment details, portal, notices, signature), ``kinds/<template id>.txt`` (one per kind, level,
tone and language, as decisions name them: ``reminder.l2.gentle.de``) and
``notices/<notice>.<language>.txt`` (the text of each notice the policy gate may oblige).

A set's SHA-256 is computed from the bytes it is rendered from, with the recipe of the policy
bundle (``sha256sum`` of every file, sorted by path, hashed again), so a recorded hash names
exactly the files a message came from. ``templates/sets.json`` names the current set and pins
the hash of every released one: a released set is never edited (a test holds them to their
pins); a change is a new version, and the old folders stay, so a message recorded years ago is
still rendered with its own templates (``by_sha256``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache, cached_property
from importlib import resources
from pathlib import Path
from typing import Any

__all__ = ["TemplateSet", "TemplateSets", "TemplateSetError", "load_template_sets", "shipped_template_sets",
           "set_sha256", "templates_root"]

SETS_FILE = "sets.json"
SET_FILE = "set.json"


class TemplateSetError(Exception):
    """A template folder that cannot be used (unreadable, not UTF-8, no set.json, unknown current)."""


@dataclass(frozen=True)
class TemplateSet:
    version: str
    sha256: str
    files: Mapping[str, str] = field(repr=False)   # relative POSIX path -> text
    settings: Mapping[str, Any] = field(repr=False)

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(self.settings["languages"])

    def has(self, path: str) -> bool:
        return path in self.files

    @cached_property
    def environment(self) -> Any:
        """The set's Jinja2 environment: plain text (no escaping: nothing here is HTML), every
        undefined name an error, templates only from the set's own files (loaded once, hashed)."""
        from jinja2 import DictLoader, Environment, StrictUndefined

        return Environment(loader=DictLoader(dict(self.files)), undefined=StrictUndefined, autoescape=False,
                           trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=False)


@dataclass(frozen=True)
class TemplateSets:
    current: TemplateSet
    all: tuple[TemplateSet, ...]
    released: Mapping[str, str]   # version -> pinned SHA-256 (sets.json)

    def by_sha256(self, sha256: str) -> TemplateSet | None:
        return next((s for s in self.all if s.sha256 == sha256), None)


def templates_root() -> Path:
    root = resources.files("decisions.messages").joinpath("templates")
    return Path(str(root))


def set_sha256(file_bytes: Mapping[str, bytes]) -> str:
    """SHA-256 over ``{relative path: bytes}``: the ``sha256sum`` listing of the files, sorted by
    path, hashed again. In the set's folder:
    ``find . -type f | sed 's|^\\./||' | LC_ALL=C sort | xargs sha256sum | sha256sum``."""
    listing = "".join(f"{hashlib.sha256(file_bytes[p]).hexdigest()}  {p}\n" for p in sorted(file_bytes))
    return hashlib.sha256(listing.encode("utf-8")).hexdigest()


def _load_set(folder: Path) -> TemplateSet:
    raw = {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}
    try:
        files = {path: data.decode("utf-8") for path, data in raw.items()}
        settings = json.loads(files[SET_FILE])
    except (UnicodeDecodeError, KeyError, ValueError) as exc:
        raise TemplateSetError(f"template set {folder.name} is not usable: {type(exc).__name__}: {exc}") from exc
    if settings.get("version") != folder.name:
        raise TemplateSetError(f"template set {folder.name} says it is version {settings.get('version')!r}")
    return TemplateSet(version=folder.name, sha256=set_sha256(raw), files=files, settings=settings)


def load_template_sets(root: str | Path | None = None) -> TemplateSets:
    """Every set below ``root`` (None: the shipped ``decisions/messages/templates``)."""
    base = Path(root) if root is not None else templates_root()
    try:
        index = json.loads((base / SETS_FILE).read_text(encoding="utf-8"))
        sets = tuple(_load_set(folder) for folder in sorted(base.iterdir()) if folder.is_dir())
    except (OSError, ValueError) as exc:
        raise TemplateSetError(f"the message templates in {base} cannot be read: {exc}") from exc
    current = next((s for s in sets if s.version == index.get("current")), None)
    if current is None:
        raise TemplateSetError(f"the current template set {index.get('current')!r} is not in {base}")
    return TemplateSets(current=current, all=sets, released=dict(index.get("released") or {}))


@cache
def shipped_template_sets() -> TemplateSets:
    return load_template_sets()

