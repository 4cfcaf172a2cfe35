"""The OPA bundle archive: OPA's format, the revision, reproducible bytes."""

from __future__ import annotations

import gzip
import io
import json
import tarfile

from decisions.policy import load_bundle, manifest_of, opa_bundle_bytes


def test_the_archive_holds_the_runtime_files_and_a_manifest_with_the_revision() -> None:
    bundle = load_bundle()
    with tarfile.open(fileobj=io.BytesIO(gzip.decompress(opa_bundle_bytes(bundle)))) as tar:
        members = {m.name: m for m in tar.getmembers()}
        manifest = json.loads(tar.extractfile(".manifest").read())
        data = json.loads(tar.extractfile("data.json").read())

    assert set(members) == {".manifest", *bundle.files}
    assert all(m.mtime == 0 and m.uid == 0 and m.mode == 0o644 for m in members.values())
    assert manifest == manifest_of(bundle)
    assert manifest["revision"] == bundle.sha256
    assert manifest["roots"] == ["fairdun", "parameters", "rules"]
    assert data == dict(bundle.data)


def test_the_same_bundle_gives_the_same_bytes() -> None:
    assert opa_bundle_bytes(load_bundle()) == opa_bundle_bytes(load_bundle())
