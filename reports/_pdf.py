"""HTML to tagged PDF/A-3a with weasyprint: templates, embedded evidence, reproducible bytes.

Every report is rendered from a JSON-able dict by a Jinja2 template (``reports/templates``) and
written by weasyprint as PDF/A-3a (ISO 19005-3, level A: tagged, for screen readers and
reflow), the PDF/A part that allows files of any type to be embedded: the report's evidence
travels inside it as attachments, so its numbers can be re-checked by machine (``pdfdetach -saveall report.pdf``).

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

from jinja2 import pass_context

from decisions import l10n

__all__ = ["Evidence", "render_pdf", "template_environment", "evidence_json", "PDF_VARIANT"]

# ISO 19005-3 (PDF/A-3), conformance level B: visual appearance preserved, any attachments.
PDF_VARIANT = "pdf/a-3a"


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
    """The Jinja2 environment of ``reports/templates`` (autoescaped; undefined values fail loudly).

    Its filters format by the document's language (``document_lang``) and zone (``document_zone``)
    with Babel (``decisions.l10n``): ``num``, ``dec``, ``pct``, ``money``, ``day``, ``moment``."""
    from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

    env = Environment(loader=PackageLoader("reports", "templates"), autoescape=select_autoescape(["html"]),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters.update(num=_num, pct=_pct, svg_uri=_svg_uri, dec=_dec, money=_money, day=_day, moment=_moment)
    return env


def _lang(context: Any) -> str:
    return str(context.get("document_lang") or "en")


def _zone(context: Any) -> str:
    return str(context.get("document_zone") or "UTC")


@pass_context
def _num(context: Any, value: Any, digits: int | None = None) -> str:
    """1234567 -> '1,234,567' (en) / '1.234.567' (de); floats with ``digits`` decimals (2 if not
    given); None -> '–'."""
    if isinstance(value, float) and digits is None:
        digits = 2
    return l10n.format_number(value, _lang(context), digits)


@pass_context
def _pct(context: Any, value: Any, digits: int = 1) -> str:
    return l10n.format_percent(value, _lang(context), digits)


@pass_context
def _dec(context: Any, value: Any) -> str:
    """A decimal string with the locale's separators, keeping its digits ('1234.50' -> '1,234.50')."""
    return l10n.format_number(None if value is None else str(value), _lang(context))


@pass_context
def _money(context: Any, amount: Any, currency: Any) -> str:
    """'2.50', 'EUR' -> '€2.50' (en) / '2,50 €' (de); None -> '–'."""
    return l10n.format_money(amount, currency, _lang(context)) or l10n.DASH


@pass_context
def _day(context: Any, value: Any) -> str:
    """A date (or a moment's local date in the document's zone) in words; None -> '–'."""
    if value is None or value == "":
        return l10n.DASH
    return l10n.format_day(value, _lang(context), _zone(context) if l10n.to_moment(value) else None)


@pass_context
def _moment(context: Any, value: Any) -> str:
    """A moment as date and time in the document's zone, with the zone; None -> '–'."""
    if value is None or value == "":
        return l10n.DASH
    return l10n.format_moment(value, _lang(context), _zone(context))


def _svg_uri(data: bytes) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(data).decode("ascii")


def render_pdf(template: str, context: dict[str, Any], *, title: str, created: datetime | None,
               lang: str = "en", zone: str = "UTC", evidence: tuple[Evidence, ...] = ()) -> bytes:
    """Render ``template`` with ``context`` to tagged PDF/A-3a bytes, ``evidence`` embedded.

    ``created`` is the document's date (the report's ``now``); None leaves the dates out.
    ``lang`` is the document's language (``/Lang``, and the Babel locale of its numbers and
    dates), ``zone`` the time zone its times are shown in (with the zone's name).
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
        **context, document_title=title, document_lang=lang, document_zone=zone, document_created=stamp)
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
