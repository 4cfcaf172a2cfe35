"""Reading PDFs in tests with Debian's poppler-utils (pdftotext, pdfdetach, pdfinfo).

With ``CI=true`` a missing poppler fails the test (CI installs it); elsewhere it skips."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import pytest

__all__ = ["pdf_text", "pdf_attachments", "pdf_json", "pdf_info", "pdf_meta"]


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        message = f"{name} (Debian poppler-utils) is not installed"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


def _run(*args: str, data: bytes) -> str:
    with tempfile.TemporaryDirectory(prefix="fairdun-pdf-") as folder:
        pdf = Path(folder) / "in.pdf"
        pdf.write_bytes(data)
        return subprocess.run([*args, str(pdf), *(["-"] if args[0].endswith("pdftotext") else [])],
                              capture_output=True, check=True, text=True).stdout


def pdf_text(data: bytes, *, layout: bool = False) -> str:
    """The PDF's text; ``layout`` keeps columns side by side (table rows stay on one line)."""
    return _run(_tool("pdftotext"), *(["-layout"] if layout else []), "-enc", "UTF-8", data=data)


def pdf_info(data: bytes) -> dict[str, str]:
    out = _run(_tool("pdfinfo"), data=data)
    return {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in out.splitlines()) if k}


def pdf_meta(data: bytes) -> str:
    """The XMP metadata packet."""
    return _run(_tool("pdfinfo"), "-meta", data=data)


def pdf_attachments(data: bytes) -> dict[str, bytes]:
    """The embedded files by name."""
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
