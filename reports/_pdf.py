"""HTML to PDF/A-3b with weasyprint: templates, embedded evidence, reproducible bytes.

Every report is rendered from a JSON-able dict by a Jinja2 template (``reports/templates``) and
written by weasyprint as PDF/A-3b (ISO 19005-3, level B), the PDF/A part that allows files of
any type to be embedded: the report's evidence travels inside it as attachments, so its
numbers can be re-checked by machine (``pdfdetach -saveall report.pdf``).

Reproducible bytes: nothing in the output depends on the clock, the host or chance.
(1) The document's creation and modification dates (Info dictionary and XMP) come from the
    ``created`` argument, never from the clock; so do the attachments' dates.
(2) The file identifier (``/ID``) is weasyprint's MD5 of the document's objects, i.e. a
    function of the content (``pdf_identifier=True``; ISO 32000-1 §14.4 allows any value).
(3) Fonts are Debian's DejaVu (``fonts-dejavu-core``), resolved by fontconfig; SVG charts
    embed their glyphs as paths (``explain.charts.RC``).
(4) Attachments are given in a fixed order and JSON is written with sorted keys.
(5) Font subsets carry no clock time: without HarfBuzz's subsetter weasyprint subsets with
    fontTools, which stamps each subset's ``head.modified`` with the time of rendering unless
    ``SOURCE_DATE_EPOCH`` (the reproducible-builds convention) says otherwise; rendering sets
    it to 0 unless the operator set it.
Same inputs, same weasyprint, Pango and fonts: the same bytes (tested across processes).
"""

from __future__ import annotations

import base64
import json
import logging
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from functools import cache
from typing import Any

__all__ = ["Evidence", "render_pdf", "template_environment", "evidence_json", "PDF_VARIANT"]

# ISO 19005-3 (PDF/A-3), conformance level B: visual appearance preserved, any attachments.
PDF_VARIANT = "pdf/a-3b"


@dataclass(frozen=True)
class Evidence:
    """A file embedded in the PDF (ISO 19005-3 §6.8: an associated file with a relationship)."""

    name: str
    data: bytes
    description: str
    relationship: str = "Data"   # ISO 32000-2 §14.13: Source | Data | Alternative | Supplement | Unspecified


def evidence_json(document: Any) -> bytes:
    """JSON as embedded evidence: sorted keys, UTF-8, one trailing newline (stable bytes)."""
    return (json.dumps(document, sort_keys=True, indent=1, ensure_ascii=False, allow_nan=False,
                       default=_json_default) + "\n").encode("utf-8")


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return _w3c(value)
    raise TypeError(f"not JSON: {type(value).__name__}")


def _w3c(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@cache
def template_environment() -> Any:
    """The Jinja2 environment of ``reports/templates`` (autoescaped; undefined values fail loudly)."""
    from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

    env = Environment(loader=PackageLoader("reports", "templates"), autoescape=select_autoescape(["html"]),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters.update(num=_num, pct=_pct, svg_uri=_svg_uri, dec=_dec)
    return env


def _num(value: Any, digits: int | None = None) -> str:
    """1234567 -> '1,234,567'; floats with ``digits`` decimals; None -> '–'."""
    if value is None:
        return "–"
    if isinstance(value, int) and digits is None:
        return f"{value:,}"
    return f"{float(value):,.{2 if digits is None else digits}f}"


def _pct(value: Any, digits: int = 1) -> str:
    return "–" if value is None else f"{float(value) * 100:.{digits}f} %"


def _dec(value: Any) -> str:
    """A decimal string with thousands separators, keeping its digits ('1234.50' -> '1,234.50')."""
    if value is None:
        return "–"
    amount = Decimal(str(value))
    places = amount.as_tuple().exponent
    exponent = -places if isinstance(places, int) and places < 0 else 0
    return f"{amount:,.{exponent}f}"


def _svg_uri(data: bytes) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(data).decode("ascii")


def render_pdf(template: str, context: dict[str, Any], *, title: str, created: datetime | None,
               lang: str = "en", evidence: tuple[Evidence, ...] = ()) -> bytes:
    """Render ``template`` with ``context`` to PDF/A-3b bytes, ``evidence`` embedded.

    ``created`` is the document's date (the report's ``now``); None leaves the dates out.
    """
    from weasyprint import HTML, Attachment
    from weasyprint.urls import URLFetcher

    # (5) one constant for every render, so concurrent renders cannot disagree
    os.environ.setdefault("SOURCE_DATE_EPOCH", "0")

    # weasyprint and fontTools log at INFO/WARNING about font subsetting and skipped CSS; the
    # templates are ours, so those messages are noise in a service log (errors still show)
    for name in ("weasyprint", "fontTools"):
        logging.getLogger(name).setLevel(max(logging.getLogger(name).level, logging.ERROR))

    stamp = _w3c(created) if created is not None else None
    html = template_environment().get_template(template).render(
        **context, document_title=title, document_lang=lang, document_created=stamp)
    # (1) fixed dates for the attachments (weasyprint would otherwise take the clock)
    fixed = created.astimezone(UTC) if created is not None else datetime(1970, 1, 1, tzinfo=UTC)
    attachments = [Attachment(string=item.data, name=item.name, description=item.description,
                              created=fixed, modified=fixed, relationship=item.relationship)
                   for item in evidence]
    # (2) the identifier is the content's hash
    # templates embed everything as data: URIs; nothing is fetched from files or the network
    fetcher = URLFetcher(allowed_protocols=("data",), fail_on_errors=True)
    return HTML(string=html, url_fetcher=fetcher).write_pdf(pdf_variant=PDF_VARIANT, attachments=attachments,
                                                     pdf_identifier=True, uncompressed_pdf=False,
                                                     finisher=_tidy_attachments)


def _tidy_attachments(document: Any, pdf: Any) -> None:
    """Two syntax slips of weasyprint's PDF/A-3 output, mended before it is written (``qpdf
    --check`` and PDF/A validators report them): (1) the embedded-files name tree lists names
    in the order given, where ISO 32000-1 §7.9.6 wants them sorted by their bytes; (2) the
    catalog's ``/AF`` names every attachment twice (once from the name tree, once from its file
    specification), where ISO 19005-3 §6.8 wants each associated file once."""
    names_ref = pdf.catalog.get("Names", {}).get("EmbeddedFiles")
    if names_ref is not None:
        number = names_ref.split()[0]     # an indirect reference, "N 0 R" (bytes or str)
        names = pdf.objects[int(number)]["Names"]
        pairs = sorted(zip(names[0::2], names[1::2], strict=True), key=lambda pair: _string_bytes(pair[0]))
        names[:] = [item for pair in pairs for item in pair]
    if "AF" in pdf.catalog:
        pdf.catalog["AF"][:] = list(dict.fromkeys(pdf.catalog["AF"]))


def _string_bytes(name: Any) -> bytes:
    """The bytes of a name-tree key (weasyprint writes each file name as UTF-8 bytes)."""
    value = name.string
    return bytes(value) if isinstance(value, bytes) else str(value).encode("utf-8")
