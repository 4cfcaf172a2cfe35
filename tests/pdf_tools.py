"""Reading PDFs in tests with Debian's poppler-utils (pdftotext, pdfdetach, pdfinfo), and
checking each PDF read with Debian's qpdf first (``pdf_check``), so every PDF a test looks at
is also checked for syntax.

With ``CI=true`` a missing tool fails the test (CI installs them); elsewhere it skips."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import pytest

__all__ = ["pdf_text", "pdf_attachments", "pdf_json", "pdf_info", "pdf_meta", "pdf_check", "pdf_structure",
           "assert_tagged_pdf_a"]


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        message = f"{name} (Debian {'qpdf' if name == 'qpdf' else 'poppler-utils'}) is not installed"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


def pdf_check(data: bytes) -> None:
    """Fail unless the PDF is well-formed: ``qpdf --check`` finds no error or warning, the
    embedded-files name tree is sorted (ISO 32000-1 §7.9.6) and the catalog's ``/AF`` names
    each associated file once (ISO 19005-3 §6.8)."""
    qpdf = _tool("qpdf")
    with tempfile.TemporaryDirectory(prefix="fairdun-pdf-") as folder:
        pdf = Path(folder) / "in.pdf"
        pdf.write_bytes(data)
        checked = subprocess.run([qpdf, "--check", str(pdf)], capture_output=True, text=True)
        assert checked.returncode == 0 and "No syntax or stream encoding errors" in checked.stdout, (
            f"qpdf --check: {checked.stdout}{checked.stderr}")
        dump = subprocess.run([qpdf, "--json=2", "--json-key=qpdf", str(pdf)], capture_output=True, check=True,
                              text=True).stdout
    objects = json.loads(dump)["qpdf"][1]
    catalog = next(o["value"] for o in objects.values()
                   if isinstance(o, dict) and isinstance(o.get("value"), dict) and o["value"].get("/Type") == "/Catalog")
    associated = catalog.get("/AF", [])
    assert len(associated) == len(set(associated)), f"/AF lists a file twice: {associated}"
    tree = catalog.get("/Names", {}).get("/EmbeddedFiles")
    if tree is not None:
        keys = objects[f"obj:{tree}"]["value"]["/Names"][0::2]
        assert keys == sorted(keys), f"the embedded-files name tree is not sorted: {keys}"


def _run(*args: str, data: bytes) -> str:
    pdf_check(data)
    with tempfile.TemporaryDirectory(prefix="fairdun-pdf-") as folder:
        pdf = Path(folder) / "in.pdf"
        pdf.write_bytes(data)
        return subprocess.run([*args, str(pdf), *(["-"] if args[0].endswith("pdftotext") else [])],
                              capture_output=True, check=True, text=True).stdout


def pdf_text(data: bytes, *, layout: bool = False, page: int | None = None) -> str:
    """The PDF's text; ``layout`` keeps columns side by side (table rows stay on one line);
    ``page``: that page's only (1 is the first)."""
    pages = ["-f", str(page), "-l", str(page)] if page is not None else []
    return _run(_tool("pdftotext"), *(["-layout"] if layout else []), *pages, "-enc", "UTF-8", data=data)


def pdf_info(data: bytes) -> dict[str, str]:
    out = _run(_tool("pdfinfo"), data=data)
    return {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in out.splitlines()) if k}


def pdf_meta(data: bytes) -> str:
    """The XMP metadata packet."""
    return _run(_tool("pdfinfo"), "-meta", data=data)


def pdf_attachments(data: bytes) -> dict[str, bytes]:
    """The embedded files by name."""
    pdf_check(data)
    tool = _tool("pdfdetach")
    with tempfile.TemporaryDirectory(prefix="fairdun-pdf-") as folder:
        pdf = Path(folder) / "in.pdf"
        pdf.write_bytes(data)
        out = Path(folder) / "out"
        out.mkdir()
        subprocess.run([tool, "-saveall", "-o", str(out), str(pdf)], capture_output=True, check=True)
        return {p.name: p.read_bytes() for p in sorted(out.iterdir())}


def pdf_json(data: bytes, name: str) -> Any:
    return json.loads(pdf_attachments(data)[name])


def pdf_structure(data: bytes) -> dict[str, Any]:
    """What makes a PDF tagged, read with ``qpdf --json``: the catalog's ``/StructTreeRoot``,
    ``/MarkInfo``, ``/Lang`` and ``/ViewerPreferences``, the structure types used (``/S`` of every
    ``/StructElem``), the ``/Alt`` text of every ``/Figure`` (None: missing) and the pages' ``/Tabs``."""
    pdf_check(data)
    qpdf = _tool("qpdf")
    with tempfile.TemporaryDirectory(prefix="fairdun-pdf-") as folder:
        pdf = Path(folder) / "in.pdf"
        pdf.write_bytes(data)
        dump = subprocess.run([qpdf, "--json=2", "--json-key=qpdf", str(pdf)], capture_output=True, check=True,
                              text=True).stdout
    values = [o["value"] for o in json.loads(dump)["qpdf"][1].values()
              if isinstance(o, dict) and isinstance(o.get("value"), dict)]
    catalog = next(v for v in values if v.get("/Type") == "/Catalog")
    elements = [v for v in values if v.get("/Type") == "/StructElem"]
    lang = catalog.get("/Lang")
    return {
        "struct_tree": "/StructTreeRoot" in catalog,
        "marked": (catalog.get("/MarkInfo") or {}).get("/Marked") is True,
        "lang": lang[2:] if isinstance(lang, str) and lang.startswith(("u:", "b:")) else lang,
        "display_doc_title": (catalog.get("/ViewerPreferences") or {}).get("/DisplayDocTitle") is True,
        "types": {e.get("/S") for e in elements},
        "figures": [(e.get("/Alt") or "")[2:] or None for e in elements if e.get("/S") == "/Figure"],
        "pages_tab_order": {v.get("/Tabs") for v in values if v.get("/Type") == "/Page"},
    }


def assert_tagged_pdf_a(data: bytes, *, lang: str) -> dict[str, Any]:
    """Fail unless ``data`` is a tagged PDF (structure tree, ``/MarkInfo /Marked true``, ``/Lang``
    ``lang``, the title displayed, headings and paragraphs tagged, every figure with alternative
    text) that still declares PDF/A-3 level A in its XMP metadata."""
    structure = pdf_structure(data)
    assert structure["struct_tree"], "no /StructTreeRoot: the PDF is not tagged"
    assert structure["marked"], "no /MarkInfo /Marked true"
    assert structure["lang"] == lang, f"/Lang is {structure['lang']!r}, not {lang!r}"
    assert structure["display_doc_title"], "the viewer does not show the document's title"
    assert {"/Document", "/P"} <= structure["types"] and structure["types"] & {"/H1", "/H2"}, structure["types"]
    assert all(structure["figures"]), f"a figure without alternative text: {structure['figures']}"
    assert structure["pages_tab_order"] == {"/S"}, "pages do not follow the structure's order"
    meta = pdf_meta(data)
    assert 'pdfaid:part="3"' in meta and 'pdfaid:conformance="A"' in meta, "not declared PDF/A-3a"
    title = pdf_info(data).get("Title")
    assert title, "no document title"
    return structure
