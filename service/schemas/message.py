"""What a message needs from the request (``creditor.name``, ``creditor.contact``,
``invoice.payment``) and what the response says about the message (``message``)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from marshmallow import Schema, ValidationError, fields, post_load, validate, validates_schema

from decisions.case import (
    DEBTOR_ADDRESS_SOURCES,
    BankTransfer,
    Contract,
    CreditorContact,
    Itemization,
    Payment,
    Principal,
)
from decisions.messages import limits
from decisions.messages.payment import BIC_PATTERN, iban_problem, normalise_iban

from .fields import Day, DecimalString, Text

__all__ = ["CreditorContactSchema", "PrincipalSchema", "ContractSchema", "ItemizationSchema", "PaymentSchema", "MessageSchema", "creditor_settings_problems",
           "controller_settings_problems"]


class Url(Text):
    """An absolute URL of the given schemes (https only unless told), without user information."""

    def __init__(self, *, schemes: tuple[str, ...] = ("https",), max_length: int = 200, **kwargs: Any) -> None:
        super().__init__(max_length=max_length, **kwargs)
        self.schemes = schemes

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        problem = limits.url_problem(text, schemes=self.schemes)
        if problem:
            raise ValidationError(problem)
        return text


class Iban(Text):
    """An IBAN (ISO 13616), printed or electronic form; its check digits are verified."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(min_length=15, max_length=42, **kwargs)   # 34 characters, a space after every 4

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        problem = iban_problem(text)
        if problem:
            raise ValidationError(problem)
        return normalise_iban(text)


class Bic(Text):
    """A BIC (ISO 9362): 8 or 11 letters and digits."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_length=11, **kwargs)

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs).upper()
        if not BIC_PATTERN.fullmatch(text):
            raise ValidationError("Not a BIC (ISO 9362: 8 or 11 letters and digits, e.g. COBADEFFXXX).")
        return text


class CreditorContactSchema(Schema):
    """How the debtor reaches the creditor; printed in every message."""

    address = Text(load_default=None, allow_none=True, max_length=limits.ADDRESS_MAX,
                   metadata={"description": "postal address on one line, commas between its lines",
                             "example": "Hauptstraße 5, 10117 Berlin"})
    email = fields.Email(load_default=None, allow_none=True, validate=validate.Length(max=limits.EMAIL_MAX))
    phone = Text(load_default=None, allow_none=True, max_length=limits.PHONE_MAX)
    website = Url(load_default=None, allow_none=True, schemes=("https", "http"), max_length=limits.WEBSITE_MAX)

    @post_load
    def make(self, data: dict[str, Any], **_: Any) -> CreditorContact:
        return CreditorContact(**data)


class PrincipalSchema(Schema):
    """A collection agency's client (DE: RDG § 13a(1) Nr. 1, 7; EU/EEA, GB: the source of the
    debtor's data, GDPR Art. 14(2)(f)); printed in the collector's first message."""

    name = Text(required=True, min_length=1, max_length=limits.CREDITOR_NAME_MAX,
                metadata={"description": "the client's name or firm", "example": "Muster Energie GmbH"})
    address = Text(required=True, min_length=1, max_length=limits.ADDRESS_MAX,
                   metadata={"description": "the client's postal address on one line, commas between its lines",
                             "example": "Musterweg 5, 10115 Berlin"})
    debtor_address_source = fields.String(
        required=True, validate=validate.OneOf(DEBTOR_ADDRESS_SOURCES),
        metadata={"description": "creditor: the client gave the debtor's address; research: the agency found it "
                                 "itself (the message then says so, RDG § 13a(1) Nr. 7)"})

    @post_load
    def make(self, data: dict[str, Any], **_: Any) -> Principal:
        return Principal(**data)


class ContractSchema(Schema):
    """The contract the claim arises from (RDG § 13a(1) Nr. 2); printed in a German collection
    agency's first message."""

    subject = Text(required=True, min_length=1, max_length=limits.CONTRACT_SUBJECT_MAX,
                   metadata={"description": "what the contract is about", "example": "Stromlieferung, Zähler 4711"})
    concluded_on = Day(required=True, metadata={"description": "the day the contract was concluded"})

    @post_load
    def make(self, data: dict[str, Any], **_: Any) -> Contract:
        return Contract(**data)


class ItemizationSchema(Schema):
    """What a US debt collector's validation notice itemizes (12 CFR 1006.34(c)(2)(iii)-(viii)),
    amounts in the invoice's currency. amount + interest + fees - payments - credits must be the
    invoice's open_amount (checked with the invoice)."""

    on = Day(required=True, metadata={"description": "the itemization date (1006.34(b)(3)): e.g. the last "
                                                     "statement, charge-off, last payment or transaction day"})
    creditor = Text(required=True, min_length=1, max_length=limits.CREDITOR_NAME_MAX,
                    metadata={"description": "the creditor to whom the debt was owed on the itemization date"})
    amount = DecimalString(required=True, metadata={"description": "owed on the itemization date"})
    interest = DecimalString(load_default=None, metadata={"description": "interest charged since (default 0)"})
    fees = DecimalString(load_default=None, metadata={"description": "fees charged since (default 0)"})
    payments = DecimalString(load_default=None, metadata={"description": "payments made since (default 0)"})
    credits = DecimalString(load_default=None, metadata={"description": "credits applied since (default 0)"})

    @post_load
    def make(self, data: dict[str, Any], **_: Any) -> Itemization:
        amounts = {name: Decimal(data[name] or "0") for name in ("amount", "interest", "fees", "payments", "credits")}
        return Itemization(on=data["on"], creditor=data["creditor"], **amounts)


class BankTransferSchema(Schema):
    iban = Iban(required=True, metadata={"example": "DE89 3704 0044 0532 0130 00"})
    bic = Bic(load_default=None, allow_none=True, metadata={"example": "COBADEFFXXX"})
    reference = Text(load_default=None, allow_none=True, max_length=limits.REFERENCE_MAX,
                     metadata={"description": "remittance information; the invoice number when absent"})
    account_holder = Text(load_default=None, allow_none=True, max_length=limits.ACCOUNT_HOLDER_MAX,
                          metadata={"description": "the creditor's name when absent"})

    @post_load
    def make(self, data: dict[str, Any], **_: Any) -> BankTransfer:
        return BankTransfer(**data)


class PaymentSchema(Schema):
    """How the debtor can pay: a bank transfer, a payment page, or both (printed in the message)."""

    bank_transfer = fields.Nested(BankTransferSchema, load_default=None, allow_none=True)
    url = Url(load_default=None, allow_none=True, max_length=limits.PAYMENT_URL_MAX,
              metadata={"description": "a payment page (https; printed in SMS too, so keep it short)"})

    @validates_schema(skip_on_field_errors=True)
    def _check(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("bank_transfer") is None and data.get("url") is None:
            raise ValidationError("Give bank_transfer, url or both.", "_schema")

    @post_load
    def make(self, data: dict[str, Any], **_: Any) -> Payment:
        return Payment(**data)


def creditor_settings_problems(settings: dict[str, Any]) -> dict[str, list[str]]:
    """Problems of the installation's creditor (``{"name", "address", "email", "phone",
    "website"}``), checked exactly like a request's ``creditor.name`` and ``creditor.contact``."""
    problems: dict[str, list[str]] = {}
    name = settings.get("name")
    if name is not None:
        try:
            Text(max_length=limits.CREDITOR_NAME_MAX, min_length=1).deserialize(name)
        except ValidationError as exc:
            problems["name"] = list(exc.messages) if isinstance(exc.messages, list) else [str(exc.messages)]
    contact = {k: settings.get(k) for k in ("address", "email", "phone", "website") if settings.get(k) is not None}
    try:
        CreditorContactSchema().load(contact)
    except ValidationError as exc:
        for key, texts in exc.normalized_messages().items():
            problems[str(key)] = list(texts) if isinstance(texts, list) else [str(texts)]
    return problems


CONTROLLER_REQUIRED = ("name", "address", "email")
CONTROLLER_TEXT_MAX = 1000   # one Art. 13/14 item in one language (printed in every letter and e-mail)
CONTROLLER_DPO_MAX = 300


def controller_settings_problems(settings: dict[str, Any], *, languages: tuple[str, ...]) -> dict[str, list[str]]:
    """Problems of the installation's controller (GDPR Art. 13/14; ``decisions.privacy.Controller``):
    ``name``, ``address`` and ``email`` are required and checked like the creditor's; ``phone`` too
    when given; ``dpo`` is one line of text; each of ``texts`` (``{item: {language: text}}``) is
    given in every one of ``languages`` or in none, so that no debtor reads another language."""
    problems: dict[str, list[str]] = {}
    for key in CONTROLLER_REQUIRED:
        if not settings.get(key):
            problems[key] = ["Required: the controller's identity and contact are printed in every debtor-facing "
                             "text (GDPR Art. 13(1)(a), 14(1)(a))."]
    named = {"name": settings.get("name")} if settings.get("name") else {}
    contact = {k: settings.get(k) for k in ("address", "email", "phone") if settings.get(k)}
    for key, texts in creditor_settings_problems({**named, **contact}).items():
        problems.setdefault(key, []).extend(texts)
    dpo = settings.get("dpo")
    if dpo is not None and (len(str(dpo)) > CONTROLLER_DPO_MAX or "\n" in str(dpo)):
        problems["dpo"] = [f"One line of at most {CONTROLLER_DPO_MAX} characters."]
    for item, by_lang in (settings.get("texts") or {}).items():
        given = {lang for lang, text in by_lang.items() if text}
        if given and given != set(languages):
            lacking = sorted(set(languages) - given)
            extra = sorted(given - set(languages))
            problems[f"texts.{item}"] = [f"Give it in every language the product serves ({', '.join(languages)}) or in "
                                         f"none; lacking: {', '.join(lacking) or '-'}; unknown: {', '.join(extra) or '-'}."]
        elif any(len(str(text)) > CONTROLLER_TEXT_MAX for text in by_lang.values()):
            problems[f"texts.{item}"] = [f"At most {CONTROLLER_TEXT_MAX} characters in each language."]
    return problems


# -- response ----------------------------------------------------------------------------------------


class TemplateSetRefSchema(Schema):
    version = fields.String(metadata={"example": "2026.11-1"})
    sha256 = fields.String(metadata={"description": "SHA-256 of the template set's files"})


class MessageSchema(Schema):
    """The ready-to-send message of a decided communication (e-mail, SMS, letter); null when the
    decision sends no written message."""

    channel = fields.String(validate=validate.OneOf(("email", "sms", "letter")))
    language = fields.String(metadata={"example": "de"})
    template = fields.String(metadata={"example": "reminder.l2.gentle.de"})
    templates = fields.Nested(TemplateSetRefSchema)
    subject = fields.String(allow_none=True, metadata={
        "description": "null for an SMS, and when the text cannot be served (see unavailable)"})
    text = fields.String(allow_none=True, metadata={
        "description": "the body; for a letter the whole letter (return address, recipient, date, body). "
                       "null when it cannot be served (see unavailable)"})
    sha256 = fields.String(allow_none=True, metadata={
        "description": "SHA-256 of the UTF-8 text subject + blank line + text (of text alone for an SMS), "
                       "as the ledger recorded it; null when the message is incomplete"})
    missing = fields.List(fields.String(), metadata={
        "description": "request fields a ready-to-send message needs that neither the request nor the "
                       "installation gave (creditor.name; debtor.contact.address for a letter): no text then"})
    unavailable = fields.String(allow_none=True, metadata={
        "description": "why subject and text are null: message_incomplete, subject_erased, "
                       "message_templates_unavailable, message_not_reproducible"})
    pdf = fields.String(allow_none=True, metadata={"description": "letters: the path of the letter as PDF/A"})
