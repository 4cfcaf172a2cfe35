"""The policy bundle: the runtime Rego modules and data.json of a policies folder, their
SHA-256, and the rule catalogue read from the modules' METADATA.

Bundle hash recipe (also in policies_rego/README.md, reproducible with coreutils):

    (1) runtime files = every ``*.rego`` below the bundle folder except ``*_test.rego``, plus the
        root ``data.json``; each named by its POSIX path relative to the folder;
    (2) one line per file, sorted by path (byte order, ``LC_ALL=C sort``):
        ``<sha256 hex of the file's bytes>  <path>\\n`` (two spaces: the ``sha256sum`` format);
    (3) bundle sha256 = SHA-256 hex of the concatenated lines (UTF-8).

    cd policies_rego && find . -type f \\( -name '*.rego' ! -name '*_test.rego' -o -path ./data.json \\) \\
        | sed 's|^\\./||' | LC_ALL=C sort | xargs sha256sum | sha256sum

The Rego tests (``*_test.rego``) are not part of the bundle hash; ``tests_sha256`` covers them with
the same recipe, so a test run is tied to both.

Modules are read by OPA's parser (``_rego_ast``); a runtime module outside the portable subset
(``_portability``) is refused like one that does not parse.
"""

from __future__ import annotations

import hashlib
import importlib.resources
import importlib.util
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from ._metadata import MetadataError, metadata_blocks
from ._model import _fail
from ._portability import problems
from ._registry import REGISTRY_PATH, listed_refs, registry_refs, render_registry, rule_outputs
from ._rego_ast import RegoModule, parse_module

__all__ = ["PolicyBundle", "RuleInfo", "expected_registry", "load_bundle", "shipped_bundle_dir"]

DATA_FILE = "data.json"
RULES_DIR = "rules"
SEVERITIES = frozenset({"critical", "high", "medium", "low"})
# A related resource is the legal text's URL, or for fairdun's own principles the bundle's docs.
_REF_PREFIXES = ("https://", "policies_rego/")

# Paths the hash recipe can name unambiguously in a `sha256sum` listing.
_SAFE_PATH = re.compile(r"^[A-Za-z0-9_.\-/]+$")


@dataclass(frozen=True, kw_only=True, slots=True)
class RuleInfo:
    """A rule as the catalogue describes it (its file's first METADATA block)."""

    id: str
    title: str
    description: str
    jurisdiction: str
    citation: str
    severity: str
    related_resources: tuple[str, ...]
    package: str
    path: str


@dataclass(frozen=True, kw_only=True, slots=True)
class PolicyBundle:
    root: Path
    modules: tuple[tuple[str, str], ...]  # (relative path, source) of the runtime modules, sorted by path
    parsed: Mapping[str, RegoModule]      # their ASTs, by path
    data_text: str
    data: Mapping[str, Any]
    rules: tuple[RuleInfo, ...]
    sha256: str
    tests: tuple[tuple[str, str], ...]    # (relative path, source) of the *_test.rego modules
    tests_sha256: str

    @property
    def files(self) -> tuple[str, ...]:
        """The runtime files the hash covers, sorted."""
        return tuple(sorted([path for path, _ in self.modules] + [DATA_FILE]))


def shipped_bundle_dir() -> Path:
    """The policies_rego folder installed with fairdun."""
    try:
        root = importlib.resources.files("policies_rego")
        if isinstance(root, Path) and (root / DATA_FILE).is_file():
            return root
    except (ModuleNotFoundError, NotADirectoryError):
        # NotADirectoryError: Python 3.11's reader for namespace packages chokes on the path hook
        # entry that setuptools' editable install puts into __path__.
        pass
    spec = importlib.util.find_spec("policies_rego")
    for entry in (spec.submodule_search_locations or []) if spec else []:
        if (Path(entry) / DATA_FILE).is_file():
            return Path(entry)
    fallback = Path(__file__).resolve().parents[2] / "policies_rego"
    if (fallback / DATA_FILE).is_file():
        return fallback
    raise _fail("the shipped policy bundle (policies_rego/) was not found")


def bundle_sha256(file_bytes: Mapping[str, bytes]) -> str:
    """The bundle hash over {relative path: bytes} of the runtime files (recipe above)."""
    listing = "".join(f"{hashlib.sha256(file_bytes[p]).hexdigest()}  {p}\n" for p in sorted(file_bytes))
    return hashlib.sha256(listing.encode("utf-8")).hexdigest()


def is_test_module(path: str) -> bool:
    return path.endswith("_test.rego")


def rego_files(root: Path) -> list[str]:
    """Relative POSIX paths of every .rego file below root (runtime and test), sorted."""
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*.rego") if p.is_file())


def package_of(path: str, source: str) -> str:
    return parse_module(path, source).package


def load_bundle(path: str | Path | None = None) -> PolicyBundle:
    """Read a policy bundle folder (None: the shipped policies_rego/).

    Raises PolicyError when the folder is not a bundle the gate can trust: no data.json, a data
    file OPA would load but we would not, an undecodable file, a rule module whose package does
    not match its path (it would silently never be collected) or whose METADATA is incomplete.
    """
    root = Path(path) if path is not None else shipped_bundle_dir()
    if not root.is_dir():
        raise _fail(f"policy bundle folder {root} does not exist")

    # (1) the runtime files
    data_path = root / DATA_FILE
    if not data_path.is_file():
        raise _fail(f"policy bundle {root} has no {DATA_FILE}")
    stray = sorted(
        p.relative_to(root).as_posix()
        for pattern in ("data.json", "data.yaml", "data.yml")
        for p in root.rglob(pattern)
        if p != data_path
    )
    if stray:
        raise _fail(f"policy bundle {root}: only the root {DATA_FILE} is loaded, found {', '.join(stray)}")
    module_paths = [p for p in rego_files(root) if not is_test_module(p)]
    test_paths = [p for p in rego_files(root) if is_test_module(p)]
    file_bytes = {p: (root / p).read_bytes() for p in module_paths}
    file_bytes[DATA_FILE] = data_path.read_bytes()
    test_bytes = {p: (root / p).read_bytes() for p in test_paths}
    for p in [*file_bytes, *test_bytes]:
        if not _SAFE_PATH.match(p):
            raise _fail(f"policy bundle file name {p!r} must use only letters, digits and _.-/")

    texts: dict[str, str] = {}
    for p, raw in {**file_bytes, **test_bytes}.items():
        try:
            texts[p] = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise _fail(f"policy bundle file {p} is not UTF-8: {exc}") from exc
    try:
        data = json.loads(texts[DATA_FILE])
    except json.JSONDecodeError as exc:
        raise _fail(f"policy bundle {DATA_FILE} is not valid JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise _fail(f"policy bundle {DATA_FILE} must hold a JSON object")

    # (2) every runtime module parsed by OPA's parser, and inside the portable subset
    modules = tuple((p, texts[p]) for p in module_paths)
    parsed = {p: parse_module(p, source) for p, source in modules}
    found = problems(parsed.values())
    if found:
        raise _fail(f"policy bundle {root} leaves the portable subset of Rego "
                    f"(policies_rego/README.md#portability): {'; '.join(found[:3])}")

    # (3) the catalogue, and the registry that wires it into data.fairdun.decision
    rule_modules = _rule_modules(parsed)
    for module in rule_modules:
        outputs = rule_outputs(module)
        if not outputs:
            raise _fail(f"rule module {module.path} defines neither deny nor obligations")
        for name in outputs:
            if module.rule_kinds(name) != {"set"}:
                # a complete rule could be undefined and silently drop a module's entries
                raise _fail(f"rule module {module.path} must define {name} as a set (`{name} contains ...`)")
    expected = {name: sorted(refs) for name, refs in registry_refs(rule_modules).items()}
    if REGISTRY_PATH not in parsed or listed_refs(parsed[REGISTRY_PATH]) != expected:
        raise _fail(
            f"policy bundle {root}: {REGISTRY_PATH} does not list exactly the rule modules under "
            f"{RULES_DIR}/; regenerate it with decisions.policy.write_registry()"
        )
    rules = tuple(_rule_info(module, texts[module.path]) for module in rule_modules)
    seen: dict[str, str] = {}
    for rule in rules:
        if rule.id in seen:
            raise _fail(f"rule id {rule.id} is declared by {seen[rule.id]} and {rule.path}")
        seen[rule.id] = rule.path

    # (4) the hashes
    return PolicyBundle(
        root=root,
        modules=modules,
        parsed=MappingProxyType(parsed),
        data_text=texts[DATA_FILE],
        data=MappingProxyType(data),
        rules=rules,
        sha256=bundle_sha256(file_bytes),
        tests=tuple((p, texts[p]) for p in test_paths),
        tests_sha256=bundle_sha256(test_bytes),
    )


def _rule_modules(parsed: Mapping[str, RegoModule]) -> list[RegoModule]:
    """The modules under rules/, enforcing the layout the registry names:
    rules/<area>/<rule>.rego declaring package rules.<area>.<rule>."""
    found = []
    for path, module in sorted(parsed.items()):
        package = module.package
        parts = path.split("/")
        if parts[0] != RULES_DIR:
            if package == RULES_DIR or package.startswith(RULES_DIR + "."):
                raise _fail(f"policy module {path} declares package {package} outside {RULES_DIR}/")
            continue
        if len(parts) != 3:
            raise _fail(f"rule module {path} must sit at {RULES_DIR}/<area>/<rule>.rego")
        expected = ".".join([RULES_DIR, parts[1], parts[2].removesuffix(".rego")])
        if package != expected:
            raise _fail(f"rule module {path} must declare package {expected}, not {package}")
        found.append(module)
    return found


def expected_registry(root: Path) -> str:
    """The registry module text the rule files under root call for."""
    paths = [p for p in rego_files(root) if not is_test_module(p)]
    return render_registry(_rule_modules({p: parse_module(p, (root / p).read_text(encoding="utf-8")) for p in paths}))


def _rule_info(module: RegoModule, source: str) -> RuleInfo:
    path = module.path
    try:
        blocks = metadata_blocks(source)
    except MetadataError as exc:
        raise _fail(f"rule module {path}: METADATA is not valid: {exc}") from exc
    meta: dict[str, Any] = blocks[0] if blocks else {}
    custom: dict[str, Any] = meta["custom"] if isinstance(meta.get("custom"), dict) else {}
    problems = [f"{key} is missing" for key in ("title", "description") if not _text(meta.get(key))]
    problems += [f"custom.{key} is missing" for key in ("id", "jurisdiction", "citation") if not _text(custom.get(key))]
    if custom.get("severity") not in SEVERITIES:
        problems.append(f"custom.severity must be one of {', '.join(sorted(SEVERITIES))}")
    resources = meta.get("related_resources")
    refs = tuple(r.get("ref") for r in resources if isinstance(r, dict)) if isinstance(resources, list) else ()
    if not refs or not all(isinstance(r, str) and _text(r) and r.startswith(_REF_PREFIXES) for r in refs):
        problems.append("related_resources must list at least one ref (an https:// URL or policies_rego/...)")
    if problems:
        raise _fail(f"rule module {path}: METADATA {'; '.join(problems)}")
    return RuleInfo(
        id=custom["id"],
        title=meta["title"],
        description=meta["description"].strip(),
        jurisdiction=custom["jurisdiction"],
        citation=custom["citation"],
        severity=custom["severity"],
        related_resources=tuple(str(r) for r in refs),
        package=module.package,
        path=path,
    )


def _text(value: Any) -> bool:
    return isinstance(value, str) and value.strip() != ""
