"""Rendering one decision's message: deterministic text from recorded data and a template set.

A message is a function of three things only, so that it can be rendered again, byte for byte,
whenever it is asked for:

1. the **inputs** (``message_inputs``): what the message needs from the request and the
   installation (creditor name and contact, the debtor's name and postal address, invoice number,
   amounts and dates, payment details, the portal address, jurisdiction and time zone), resolved
   once when the decision is made and sealed with it under the subject's key;
2. the **recorded decision document** (``action``: kind, level, channel, tone, send time, fees,
   template id, notices; and the decision id);
3. the **template set** whose SHA-256 the decision recorded (``_templates``),

plus the subject's portal access code (letters only: derived from the pseudonym under the
instance's portal key, never stored). Nothing reads the clock, the locale of the host or the
configuration at render time: amounts and dates are formatted with Babel (CLDR data) in the
message's language and the debtor's country.

``sha256`` is the SHA-256 of the UTF-8 text ``subject + "\\n\\n" + text``; an SMS has no subject
and its hash is that of ``text`` alone.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from ledger.timestamps import parse_rfc3339

from ..case import Case
from ..explanation import fee_basis
from ..money import format_amount
from ..privacy import Controller, law_of, notice_text, privacy_notice
from ..regf import validation_period_end
from ._templates import TemplateSet, TemplateSets, shipped_template_sets
from .payment import group_iban

__all__ = ["MESSAGE_CHANNELS", "CreditorDefaults", "MessageSettings", "Message", "MessageError",
           "message_inputs", "communicates", "missing_fields", "NOTICE_FIELDS", "WRITTEN_ONLY_NOTICES", "render", "check_renderable", "text_sha256",
           "SMS_MAX_CHARACTERS"]

# Channels that carry a written message; a phone call has none.
MESSAGE_CHANNELS = ("email", "sms", "letter")
# The SMS length budget. A typical SMS (creditor, what is owed by when, the payment link, the
# portal, an obliged notice) has 200 to 400 characters: 3 to 6 concatenated segments of 67 UCS-2
# characters ("€", umlauts and the no-break space of formatted amounts are outside GSM 03.38).
# The budget is the bound the request's field limits guarantee: every SMS template rendered with
# every notice at once and every field at its longest stays below it (tests/unit/decisions/
# test_messages.py); an SMS over it is refused (MessageError: the decision is held) rather than
# cut, since a cut could drop a notice.
SMS_MAX_CHARACTERS = 1000


class MessageError(Exception):
    """The message cannot be rendered as the decision requires (a template or a notice text the
    set lacks, an SMS over its length budget, fees in another currency): fail closed."""


@dataclass(frozen=True, slots=True)
class CreditorDefaults:
    """The installation's creditor (``FAIRDUN_CREDITOR_*``), for requests that name none."""

    name: str | None = None
    address: str | None = None
    email: str | None = None
    phone: str | None = None
    website: str | None = None


@dataclass(frozen=True)
class MessageSettings:
    creditor: CreditorDefaults = CreditorDefaults()
    portal_url: str | None = None     # the installation's base URL; the portal is at <portal_url>/portal/
    controller: Controller | None = None   # GDPR Art. 13/14: printed in every e-mail and letter (decisions.privacy)
    templates: TemplateSets = field(default_factory=shipped_template_sets)


@dataclass(frozen=True, slots=True)
class Message:
    language: str
    channel: str
    template: str
    templates_version: str
    templates_sha256: str
    subject: str | None
    text: str
    sha256: str
    sent_at: str                      # the recorded send time (RFC 3339; the decision's as_of without one)
    # letters: the parts the PDF lays out (their join is ``text``)
    sender: str | None = None
    recipient: tuple[str, ...] = ()
    dateline: str | None = None
    body: str | None = None


def text_sha256(subject: str | None, text: str) -> str:
    whole = text if subject is None else f"{subject}\n\n{text}"
    return hashlib.sha256(whole.encode("utf-8")).hexdigest()


def communicates(document: Mapping[str, Any]) -> bool:
    """Whether a decision document tells the AR system to send (or, after review, would send) a
    written message: decided or needs_review, an action with an e-mail, SMS or letter channel."""
    action = document.get("action") or {}
    return (document.get("status") in ("decided", "needs_review") and action.get("kind") not in (None, "none")
            and action.get("channel") in MESSAGE_CHANNELS)


def message_inputs(case: Case, settings: MessageSettings) -> dict[str, Any]:
    """What the message needs from the request and the installation (JSON; personal data: it is
    sealed with the decision, never written to the ledger body or a log).

    The creditor is the request's when it names one (``creditor.name``: its contact is then the
    request's only, never mixed with the installation's); otherwise the installation's name, with
    the request's ``creditor.contact`` if it sent one, else the installation's contact."""
    requested = case.creditor
    defaults = settings.creditor
    contact = requested.contact
    if requested.name is None and contact is None:
        creditor = {"name": defaults.name, "address": defaults.address, "email": defaults.email,
                    "phone": defaults.phone, "website": defaults.website}
    else:
        creditor = {"name": requested.name if requested.name is not None else defaults.name,
                    "address": contact.address if contact else None, "email": contact.email if contact else None,
                    "phone": contact.phone if contact else None, "website": contact.website if contact else None}
    invoice = case.invoice
    payment = None
    if invoice.payment is not None:
        transfer = invoice.payment.bank_transfer
        payment = {"url": invoice.payment.url, "bank_transfer": None if transfer is None else {
            "iban": transfer.iban, "bic": transfer.bic, "reference": transfer.reference,
            "account_holder": transfer.account_holder}}
    principal = requested.principal
    contract = invoice.contract
    itemization = invoice.itemization
    return {
        "creditor": creditor,
        "principal": None if principal is None else {
            "name": principal.name, "address": principal.address,
            "debtor_address_source": principal.debtor_address_source},
        "supervisory_authority": requested.supervisory_authority,
        "debtor": {"name": case.debtor.contact.name, "address": case.debtor.contact.address},
        "invoice": {"ref": invoice.ref, "currency": invoice.currency,
                    "amount": format_amount(invoice.amount, invoice.currency),
                    "open_amount": format_amount(invoice.open_amount, invoice.currency),
                    "issued_on": invoice.issued_on.isoformat(), "due_on": invoice.due_on.isoformat(),
                    "contract": None if contract is None else {
                        "subject": contract.subject, "concluded_on": contract.concluded_on.isoformat()},
                    "itemization": None if itemization is None else {
                        "on": itemization.on.isoformat(), "creditor": itemization.creditor,
                        **{name: format_amount(getattr(itemization, name), invoice.currency)
                           for name in ("amount", "interest", "fees", "payments", "credits")}}},
        "payment": payment,
        "portal_url": settings.portal_url,
        "controller": settings.controller.document() if settings.controller is not None else None,
        "jurisdiction": case.debtor.jurisdiction,
        "timezone": case.debtor.timezone,
    }


# Notices a text message cannot carry (their texts are too long for an SMS): the policy gate
# refuses an SMS that would need one (DE-RDG-13A, EU-GDPR-14), and the renderer refuses it too.
WRITTEN_ONLY_NOTICES = ("de_rdg_13a_information", "gdpr_art14_information")

# Notices that print facts only the request can give, and those facts (request fields, checked
# in the sealed inputs): a message obliged to carry the notice without them is never served.
NOTICE_FIELDS = {
    # RDG § 13a(1) Nr. 1, 2, 7, 8: the client's name and address, where the debtor's address comes
    # from, the contract's subject and date, the collector's supervisory authority
    "de_rdg_13a_information": ("creditor.principal", "invoice.contract", "creditor.supervisory_authority"),
    # GDPR / UK GDPR Art. 14(2)(f): the source of the data, the collector's client
    "gdpr_art14_information": ("creditor.principal",),
    # 12 CFR 1006.34(c)(2): the itemization date, the creditor then, and the debt's itemization
    "validation_notice": ("invoice.itemization",),
}


def missing_fields(inputs: Mapping[str, Any], channel: str, notices: tuple[str, ...] | list[str] = ()) -> list[str]:
    """Request fields a ready-to-send message needs that neither the request nor the installation
    gave: the creditor's name (every channel: a message must say who sends it), for a letter the
    debtor's postal address, and the facts an obliged notice prints (``NOTICE_FIELDS``: fail
    closed, a collector's first letter is never sent without them). Everything else has a
    fallback (a neutral salutation, "the payment details on your invoice", the creditor's contact
    instead of the portal)."""
    missing = []
    if not (inputs.get("creditor") or {}).get("name"):
        missing.append("creditor.name")
    if channel == "letter" and not (inputs.get("debtor") or {}).get("address"):
        missing.append("debtor.contact.address")
    present = {"creditor.principal": inputs.get("principal"),
               "invoice.contract": (inputs.get("invoice") or {}).get("contract"),
               "invoice.itemization": (inputs.get("invoice") or {}).get("itemization"),
               "creditor.supervisory_authority": inputs.get("supervisory_authority")}
    for notice in notices:
        missing += [name for name in NOTICE_FIELDS.get(notice, ()) if not present[name] and name not in missing]
    return missing


def _language(template_id: str, templates: TemplateSet) -> str:
    language = template_id.rsplit(".", 1)[-1]
    if language not in templates.languages:
        raise MessageError(f"template {template_id!r} names a language the template set {templates.version} "
                           f"does not have")
    return language


def check_renderable(action: Mapping[str, Any], templates: TemplateSet) -> None:
    """Raise MessageError unless ``templates`` has the kind template, the channel's layout and a
    text for every notice of ``action`` (fail closed: a message is never sent without a notice
    the policy gate obliged)."""
    template_id = str(action.get("template") or "")
    language = _language(template_id, templates)
    needed = [f"kinds/{template_id}.txt", f"layouts/{action.get('channel')}.{language}.txt"]
    needed += [f"notices/{notice}.{language}.txt" for notice in action.get("notices") or []]
    lacking = [path for path in needed if not templates.has(path)]
    if lacking:
        raise MessageError(f"the template set {templates.version} has no {', '.join(lacking)}")
    written_only = sorted(set(action.get("notices") or ()) & set(WRITTEN_ONLY_NOTICES))
    if action.get("channel") == "sms" and written_only:
        raise MessageError(f"an SMS cannot carry the notice(s) {', '.join(written_only)}: a letter or e-mail only")


def render(inputs: Mapping[str, Any], document: Mapping[str, Any], *, templates: TemplateSet,
           access_code: str | None = None) -> Message:
    """The message of ``document`` (a decision that ``communicates``) from its ``inputs``."""
    action = document["action"]
    check_renderable(action, templates)
    template_id, channel = action["template"], action["channel"]
    language = _language(template_id, templates)
    context = _context(inputs, document, language=language, templates=templates, access_code=access_code)
    try:
        module = templates.environment.get_template(f"layouts/{channel}.{language}.txt").make_module(context)
        parts = {name: _tidy(str(getattr(module, name))) for name in ("subject", "body")}
        if channel == "letter":
            parts.update({name: _tidy(str(getattr(module, name))) for name in ("sender", "recipient", "dateline")})
    except MessageError:
        raise
    except Exception as exc:  # a template error (undefined name, syntax): the message is not what was decided
        # the reason goes into the held decision's ledger body: a template's own error names templates
        # and variables; anything else could quote a value, so only its type is kept
        from jinja2 import TemplateError

        why = f"{type(exc).__name__}: {exc}" if isinstance(exc, TemplateError) else type(exc).__name__
        raise MessageError(f"template {template_id} ({templates.version}) failed: {why}") from exc

    subject: str | None = " ".join(parts["subject"].split())
    if channel == "sms":
        subject = None
        text = " ".join(" ".join(parts["body"].split("\n")).split())
        if len(text) > SMS_MAX_CHARACTERS:
            raise MessageError(f"the SMS of template {template_id} has {len(text)} characters, more than "
                               f"{SMS_MAX_CHARACTERS}")
    elif channel == "letter":
        text = f"{parts['sender']}\n{parts['recipient']}\n\n{parts['dateline']}\n\n{parts['body']}"
    else:
        text = parts["body"]
    if channel != "sms" and not subject:
        raise MessageError(f"template {template_id} rendered an empty subject")
    return Message(language=language, channel=channel, template=template_id, templates_version=templates.version,
                   templates_sha256=templates.sha256, subject=subject, text=text, sha256=text_sha256(subject, text),
                   sent_at=action.get("send_at") or document["as_of"],
                   sender=parts.get("sender"), recipient=tuple(parts.get("recipient", "").split("\n")) if
                   channel == "letter" else (), dateline=parts.get("dateline"),
                   body=parts["body"] if channel == "letter" else None)


_BLANK_RUNS = re.compile(r"\n{3,}")


def _tidy(text: str) -> str:
    """Trailing spaces dropped, at most one blank line in a row, no blank lines at either end."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    return _BLANK_RUNS.sub("\n\n", "\n".join(lines)).strip("\n")


# -- the context the templates see ---------------------------------------------------------------


def _context(inputs: Mapping[str, Any], document: Mapping[str, Any], *, language: str, templates: TemplateSet,
             access_code: str | None) -> dict[str, Any]:
    action = document["action"]
    country = str(inputs["jurisdiction"])[:2]
    locale = _locale(language, country, templates)
    invoice = inputs["invoice"]
    currency = invoice["currency"]
    money = _Money(locale, currency)
    dates = _Dates(locale)

    fees, total = [], Decimal(invoice["open_amount"])
    labels = templates.settings["fee_labels"][language]
    for fee in action.get("fees") or []:
        if fee["currency"] != currency:
            raise MessageError("a fee is in another currency than the invoice: the amount owed cannot be stated")
        total += Decimal(fee["amount"])
        fees.append({"kind": fee["kind"], "label": labels.get(fee["kind"], fee["kind"].replace("_", " ")),
                     "amount": money(fee["amount"]), "basis": str(fee.get("basis") or "").split(":", 1)[0].strip(),
                     "basis_text": fee_basis(fee, language)})

    send_day = _send_day(action.get("send_at"), inputs["timezone"], document)
    due_on = date.fromisoformat(invoice["due_on"])
    pay_by = due_on if action["kind"] == "pre_due_reminder" else send_day + timedelta(
        days=int(templates.settings["pay_within_days"]))

    creditor = inputs["creditor"]
    debtor = inputs["debtor"]
    payment = inputs.get("payment") or None
    transfer = (payment or {}).get("bank_transfer")
    portal_url = inputs.get("portal_url")
    notices = list(action.get("notices") or [])
    privacy = _privacy(inputs, language=language, country=country, templates=templates, notices=notices)
    if "de_rdg_13a_information" in notices and any(fee["kind"] == "default_interest" for fee in fees):
        # RDG § 13a(1) Nr. 3: interest needs a calculation (amount, rate, period) the templates do not print
        raise MessageError("a collection agency's first demand claims interest without the calculation "
                           "RDG § 13a(1) Nr. 3 requires")
    principal = inputs.get("principal")
    contract = invoice.get("contract")
    itemization = invoice.get("itemization")
    supervisory_authority = inputs.get("supervisory_authority")
    return {
        "lang": language, "country": country, "channel": action["channel"], "kind": action["kind"],
        "level": action.get("level"), "tone": action.get("tone"), "decision_id": document["decision_id"],
        "notices": notices,
        "kind_template": f"kinds/{action['template']}.txt",
        "creditor": {"name": creditor.get("name"), "address_lines": _lines(creditor.get("address")),
                     "email": creditor.get("email"), "phone": creditor.get("phone"),
                     "website": creditor.get("website")},
        "debtor": {"name": debtor.get("name"), "address_lines": _lines(debtor.get("address"))},
        "invoice": {"ref": invoice["ref"], "amount": money(invoice["amount"]),
                    "open_amount": money(invoice["open_amount"]),
                    "issued_on": dates(date.fromisoformat(invoice["issued_on"])), "due_on": dates(due_on)},
        "fees": fees, "total": money(str(total)), "send_date": dates(send_day), "pay_by": dates(pay_by),
        "validation_end": dates(validation_period_end(send_day)),   # notices/validation_notice (12 CFR 1006.34)
        "payment": None if payment is None else {
            "url": payment.get("url"),
            "bank_transfer": None if transfer is None else {
                "iban": group_iban(transfer["iban"]), "bic": transfer.get("bic"),
                "reference": transfer.get("reference") or invoice["ref"],
                "account_holder": transfer.get("account_holder") or creditor.get("name")}},
        "portal": {"url": f"{portal_url.rstrip('/')}/portal/" if portal_url else None,
                   "access_code": access_code if action["channel"] == "letter" else None},
        "privacy": privacy,
        "principal": None if not principal else {
            "name": principal["name"], "address_lines": _lines(principal["address"]),
            "debtor_address_researched": principal["debtor_address_source"] != "creditor"},
        "contract": None if not contract else {
            "subject": contract["subject"], "concluded_on": dates(date.fromisoformat(contract["concluded_on"]))},
        "supervisory_authority": supervisory_authority,
        "itemization": None if not itemization else {
            "on": dates(date.fromisoformat(itemization["on"])), "creditor": itemization["creditor"],
            **{name: money(itemization[name]) for name in ("amount", "interest", "fees")},
            "payments_and_credits": money(str(Decimal(itemization["payments"]) + Decimal(itemization["credits"])))},
    }


def _privacy(inputs: Mapping[str, Any], *, language: str, country: str, templates: TemplateSet,
             notices: list[str]) -> Any:
    """The GDPR Art. 13/14 information (``decisions.privacy``) for a set that prints it
    (``layouts/_privacy.<language>.txt``), under the law of the debtor's country; None outside the
    GDPR's reach. A set that prints it and a debtor under the GDPR without a controller in the
    inputs: MessageError (fail closed: the message would lack information the law requires).

    With the ``gdpr_art14_information`` notice (a collection agency's first communication) the
    notice itself says where the data come from and which categories they are (Art. 14(1)(d),
    (2)(f)), so the block leaves out its own "source" item, which describes a creditor's own
    records; the rest of the block is the remaining Art. 14 information, so it must be printed."""
    law = law_of(country)
    art14 = "gdpr_art14_information" in notices
    if law is None or not templates.has(f"layouts/_privacy.{language}.txt"):
        if art14:
            raise MessageError("the gdpr_art14_information notice needs the privacy block of GDPR Art. 14, which "
                               f"the template set {templates.version} does not print here")
        return None
    controller = inputs.get("controller")
    if not controller:
        raise MessageError("no controller is configured (FAIRDUN_CONTROLLER_*): the message cannot carry the "
                           "information of GDPR Art. 13/14")
    notice = privacy_notice(controller, lang=language, law=law)
    if art14:
        notice = {**notice, "items": [item for item in notice["items"] if item["item"] != "source"]}
    return {**notice, "text": notice_text(notice)}


def _locale(language: str, country: str, templates: TemplateSet) -> Any:
    """Babel's locale for the message: the language as written in the debtor's country where it is
    an official language there (de_AT, en_US), else the set's default for the language (en_GB)."""
    from babel import Locale, UnknownLocaleError
    from babel.languages import get_official_languages

    if language in get_official_languages(country, de_facto=True):
        try:
            return Locale.parse(f"{language}_{country}")
        except (UnknownLocaleError, ValueError):
            pass
    return Locale.parse(templates.settings["locales"][language])


def _send_day(send_at: str | None, timezone: str, document: Mapping[str, Any]) -> date:
    """The day the message goes out, in the debtor's time zone (a decision without a send time:
    the day of its ``as_of``)."""
    moment: datetime = parse_rfc3339(send_at or document["as_of"])
    return moment.astimezone(ZoneInfo(timezone)).date()


def _lines(address: str | None) -> list[str]:
    """A one-line postal address (commas between its lines, as the request takes it) as lines."""
    return [part.strip() for part in (address or "").split(",") if part.strip()]


@dataclass(frozen=True)
class _Money:
    locale: Any
    currency: str

    def __call__(self, amount: str) -> str:
        from babel.numbers import format_currency

        return str(format_currency(Decimal(amount), self.currency, locale=self.locale))


@dataclass(frozen=True)
class _Dates:
    locale: Any

    def __call__(self, day: date) -> str:
        from babel.dates import format_date

        return str(format_date(day, format="long", locale=self.locale))
