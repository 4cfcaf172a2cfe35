"""Standard OPA bundles of a policy bundle: ``fairdun policy bundle -o bundle.tar.gz``.

The archive holds the runtime modules at their paths, the root ``data.json`` and a ``.manifest``
whose ``revision`` is the bundle's SHA-256 (the fairdun recipe of ``_bundle``) and whose
``roots`` are the packages' and data's first path segments, so ``opa run -s -b bundle.tar.gz``
loads it as-is and reports the revision in every answer's provenance. The archive is
reproducible: entries sorted, no timestamps or owners, so the same bundle gives the same bytes.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import tarfile
from pathlib import Path
from typing import Any

from ._bundle import DATA_FILE, PolicyBundle

__all__ = ["MANIFEST", "manifest_of", "opa_bundle_bytes", "write_opa_bundle"]

MANIFEST = ".manifest"


def manifest_of(bundle: PolicyBundle) -> dict[str, Any]:
    roots = {module.package.split(".")[0] for module in bundle.parsed.values()} | set(bundle.data)
    return {"revision": bundle.sha256, "roots": sorted(roots),
            "metadata": {"fairdun": {"bundle_sha256": bundle.sha256, "files": list(bundle.files)}}}


def opa_bundle_bytes(bundle: PolicyBundle) -> bytes:
    """The bundle as a gzipped tar in OPA's bundle format."""
    entries = {MANIFEST: json.dumps(manifest_of(bundle), indent=2, sort_keys=True).encode("utf-8") + b"\n",
               DATA_FILE: bundle.data_text.encode("utf-8")}
    entries.update({path: source.encode("utf-8") for path, source in bundle.modules})
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for name in sorted(entries):
            info = tarfile.TarInfo(name)
            info.size, info.mode, info.mtime = len(entries[name]), 0o644, 0
            tar.addfile(info, io.BytesIO(entries[name]))
    return gzip.compress(raw.getvalue(), mtime=0)


def write_opa_bundle(bundle: PolicyBundle, target: str | Path) -> str:
    """Write the OPA bundle to ``target``; returns the SHA-256 of the archive file."""
    data = opa_bundle_bytes(bundle)
    Path(target).write_bytes(data)
    return hashlib.sha256(data).hexdigest()
