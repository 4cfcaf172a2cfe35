"""The decision request (the public contract in DESIGN.md) and its response."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from marshmallow import Schema, ValidationError, fields, post_load, validate, validates_schema

from decisions import metadata as request_metadata
from decisions.case import (
    ACTION_KINDS,
    CHANNELS,
    CREDITOR_ROLES,
    DEBTOR_KINDS,
    DUNNING_KINDS,
    INCONVENIENT_PLACES,
    TONES,
    UK_NATIONS,
    Case,
    Consents,
    Contact,
    ContactAttempt,
    Creditor,
    Debtor,
    DunningStep,
    Flags,
    History,
    Invoice,
    TimeRange,
)
from decisions.effective import EFFECTIVE_STATUSES
from decisions.messages import limits as message_limits
from decisions.money import currency_exponent

from .fields import (
    CurrencyCode,
    Day,
    DecimalString,
    Jurisdiction,
    Language,
    Ref,
    StrictBool,
    StrictInt,
    Text,
    Timestamp,
    TimeZone,
)
from .message import (
    ContractSchema,
    CreditorContactSchema,
    ItemizationSchema,
    MessageSchema,
    PaymentSchema,
    PrincipalSchema,
)

__all__ = ["DecisionRequestSchema", "DecisionResponseSchema", "MAX_HISTORY"]

MAX_HISTORY = 50   # entries per history list


class CreditorSchema(Schema):
    role = fields.String(load_default="first_party", validate=validate.OneOf(CREDITOR_ROLES),
                         metadata={"description": "first_party collects its own invoices; debt_collector is a "
                                                  "collection agency (FDCPA / Regulation F apply in the US)"})
    name = Text(load_default=None, allow_none=True, min_length=1, max_length=message_limits.CREDITOR_NAME_MAX,
                metadata={"description": "who the message comes from (default: FAIRDUN_CREDITOR_NAME); a "
                                         "creditor named here brings its own contact, none of the installation's"})
    contact = fields.Nested(CreditorContactSchema, load_default=None, allow_none=True,
                            metadata={"description": "how the debtor reaches the creditor (default: "
                                                     "FAIRDUN_CREDITOR_ADDRESS, _EMAIL, _PHONE, _WEBSITE)"})
    principal = fields.Nested(PrincipalSchema, load_default=None, allow_none=True,
                              metadata={"description": "a debt_collector's client: printed in its first message "
                                                       "(DE: RDG § 13a(1) Nr. 1, 7; EU/EEA and GB: the source of the "
                                                       "data, GDPR Art. 14(2)(f)); without it that message is not "
                                                       "served (message_incomplete)"})
    supervisory_authority = Text(
        load_default=None, allow_none=True, min_length=1, max_length=message_limits.AUTHORITY_MAX,
        metadata={"description": "a German debt_collector's supervisory authority: name, postal address and "
                                 "electronic contact, printed in its first message to a private person (RDG "
                                 "§ 13a(1) Nr. 8)"})


class ContactSchema(Schema):
    """Direct identifiers: sealed under the subject's key, never seen by model, policies or logs."""

    name = Text(load_default=None, allow_none=True)
    email = fields.Email(load_default=None, allow_none=True, validate=validate.Length(max=200))
    phone = Text(load_default=None, allow_none=True, max_length=40)
    address = Text(load_default=None, allow_none=True, max_length=400)

    @post_load
    def make(self, data: dict[str, Any], **_: Any) -> Contact:
        return Contact(**data)


class ConsentsSchema(Schema):
    """Consent per channel; a channel left out counts as not consented."""

    email = StrictBool(load_default=False)
    sms = StrictBool(load_default=False)
    phone = StrictBool(load_default=False)
    letter = StrictBool(load_default=False)

    @post_load
    def make(self, data: dict[str, Any], **_: Any) -> Consents:
        return Consents(**data)


class FlagsSchema(Schema):
    vulnerable = StrictBool(load_default=False)
    insolvency = StrictBool(load_default=False)
    deceased = StrictBool(load_default=False)
    breathing_space_until = Day(load_default=None, allow_none=True)
    cease_communication = StrictBool(load_default=False)
    no_work_contact = StrictBool(load_default=False)
    mental_health_crisis_moratorium = StrictBool(
        load_default=False, metadata={"description": "UK Debt Respite Scheme: a mental health crisis moratorium is "
                                                     "in place (it has no end date the creditor knows)"})
    financial_difficulty = StrictBool(
        load_default=False, metadata={"description": "the debtor is known to be in financial difficulty "
                                                     "(FCA CONC 7: forbearance, routed to human review)"})

    @post_load
    def make(self, data: dict[str, Any], **_: Any) -> Flags:
        return Flags(**data)


_CLOCK = validate.Regexp(r"^([01][0-9]|2[0-3]):[0-5][0-9]$", error="A local time HH:MM (00:00 to 23:59).")


class TimeRangeSchema(Schema):
    """A local time range the consumer said is inconvenient (start inclusive, end exclusive)."""

    start = fields.String(data_key="from", required=True, validate=_CLOCK, metadata={"example": "18:00"})
    end = fields.String(data_key="to", required=True, validate=_CLOCK, metadata={"example": "20:00"})

    @validates_schema(skip_on_field_errors=True)
    def _check(self, data: dict[str, Any], **_: Any) -> None:
        if data["start"] == data["end"]:
            raise ValidationError({"to": ["Must differ from 'from' (a range from 22:00 to 07:00 runs over midnight)."]})

    @post_load
    def make(self, data: dict[str, Any], **_: Any) -> TimeRange:
        return TimeRange(**data)


class DebtorSchema(Schema):
    ref = Ref(required=True, metadata={"description": "the AR system's customer number"})
    kind = fields.String(required=True, validate=validate.OneOf(DEBTOR_KINDS))
    jurisdiction = Jurisdiction(required=True, metadata={"example": "DE"})
    timezone = TimeZone(required=True, metadata={"example": "Europe/Berlin"})
    language = Language(load_default="en", metadata={"example": "de"})
    contact = fields.Nested(ContactSchema, load_default=Contact)
    consents = fields.Nested(ConsentsSchema, load_default=Consents)
    flags = fields.Nested(FlagsSchema, load_default=Flags)
    other_timezones = fields.List(
        TimeZone(), load_default=list, validate=validate.Length(max=5),
        metadata={"description": "other IANA time zones the debtor may be in (conflicting location data); "
                                 "contact hours are then kept in every one of them (12 CFR 1006.6(b)(1)(i))"})
    opted_out_channels = fields.List(
        fields.String(validate=validate.OneOf(CHANNELS)), load_default=list,
        metadata={"description": "channels the debtor asked not to be contacted through (12 CFR 1006.14(h))"})
    uk_nation = fields.String(
        load_default=None, allow_none=True, validate=validate.OneOf(UK_NATIONS),
        metadata={"description": "GB debtors only: the UK legal system whose law governs the claim "
                                 "(england_wales, scotland, northern_ireland); limitation differs (six years in "
                                 "England, Wales and Northern Ireland, five in Scotland). Left out or null: the "
                                 "shortest period applies"})
    represented_by_attorney = StrictBool(
        load_default=False,
        metadata={"description": "the creditor knows the debtor is represented by an attorney about this debt and "
                                 "knows the attorney's name and address, and the attorney has neither consented to "
                                 "direct contact nor failed to respond in a reasonable time; US debt collectors "
                                 "then send nothing to the debtor (15 U.S.C. § 1692c(a)(2); 12 CFR 1006.6(b)(2))"})
    inconvenient_times = fields.List(
        fields.Nested(TimeRangeSchema), load_default=list, validate=validate.Length(max=10),
        metadata={"description": "local time ranges the debtor said are inconvenient, e.g. [{\"from\": \"18:00\", "
                                 "\"to\": \"20:00\"}] (from inclusive, to exclusive; from after to runs over "
                                 "midnight); US debt collectors send nothing inside them in any of the debtor's "
                                 "time zones (12 CFR 1006.6(b)(1)(i))"})
    inconvenient_places = fields.List(
        fields.String(validate=validate.OneOf(INCONVENIENT_PLACES)), load_default=list,
        metadata={"description": "places the debtor said are inconvenient (12 CFR 1006.6(b)(1)(ii)): \"work\" "
                                 "keeps e-mail and calls away as flags.no_work_contact does"})
    email_is_work = StrictBool(
        load_default=False,
        metadata={"description": "the contact e-mail address is one the debtor's employer provides; US debt "
                                 "collectors then send no e-mail unless work_email_permitted (12 CFR 1006.22(f)(3))"})
    work_email_permitted = StrictBool(
        load_default=False,
        metadata={"description": "the debtor e-mailed the debt collector from the work address (and has not "
                                 "opted out since) or consented to its use directly (12 CFR 1006.22(f)(3)(i), (ii))"})

    @validates_schema(skip_on_field_errors=True)
    def _check(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("uk_nation") is not None and not data["jurisdiction"].startswith("GB"):
            raise ValidationError({"uk_nation": ["Only for a debtor in the United Kingdom (jurisdiction GB)."]})

    @post_load
    def make(self, data: dict[str, Any], **_: Any) -> Debtor:
        return Debtor(**{**data, "other_timezones": tuple(data["other_timezones"]),
                         "opted_out_channels": tuple(sorted(set(data["opted_out_channels"]))),
                         "inconvenient_times": tuple(data["inconvenient_times"]),
                         "inconvenient_places": tuple(sorted(set(data["inconvenient_places"])))})


class InvoiceSchema(Schema):
    ref = Ref(required=True, metadata={"description": "the AR system's invoice number"})
    currency = CurrencyCode(required=True, metadata={"example": "EUR"})
    amount = DecimalString(required=True, metadata={"example": "120.00"})
    open_amount = DecimalString(required=True, metadata={"example": "120.00"})
    issued_on = Day(required=True)
    due_on = Day(required=True)
    disputed = StrictBool(load_default=False)
    promise_to_pay_on = Day(load_default=None, allow_none=True)
    last_payment_on = Day(load_default=None, allow_none=True)
    due_date_agreed = StrictBool(
        load_default=False, metadata={"description": "the due date was agreed by the calendar in the contract "
                                                     "(DE: default without a reminder, BGB § 286(2) Nr. 1)"})
    default_notice_in_invoice = StrictBool(
        load_default=False, metadata={"description": "the invoice pointed out that the debtor is in default 30 "
                                                     "days after due date and receipt (DE consumers, BGB § 286(3))"})
    substantiation_requested_on = Day(
        load_default=None, allow_none=True,
        metadata={"description": "the day the consumer requested substantiation of the debt (US-NY debt "
                                 "collectors: collection ceases until it is provided, 23 NYCRR 1.4(b))"})
    substantiation_provided_on = Day(
        load_default=None, allow_none=True,
        metadata={"description": "the day the debt collector provided written substantiation after the "
                                 "request (23 NYCRR 1.4(b)); needs substantiation_requested_on, not before it"})
    validation_notice_sent_on = Day(
        load_default=None, allow_none=True,
        metadata={"description": "US debt collectors: the day the validation notice was sent (12 CFR 1006.34); "
                                 "also reported as event validation_notice_sent. Unknown: the next message must "
                                 "carry it, and the validation period's limits apply"})
    payment = fields.Nested(PaymentSchema, load_default=None, allow_none=True,
                            metadata={"description": "how to pay, printed in the message: bank_transfer (IBAN "
                                                     "with its check digits verified, BIC, reference) and/or a "
                                                     "payment page url (https)"})
    contract = fields.Nested(ContractSchema, load_default=None, allow_none=True,
                             metadata={"description": "the contract the claim arises from: printed in a German "
                                                      "debt_collector's first message to a private person (RDG "
                                                      "§ 13a(1) Nr. 2); without it that message is not served "
                                                      "(message_incomplete)"})
    itemization = fields.Nested(ItemizationSchema, load_default=None, allow_none=True,
                                metadata={"description": "US debt collectors: what the validation notice itemizes "
                                                         "(12 CFR 1006.34(c)(2)); a message that must carry the "
                                                         "notice is not served without it (message_incomplete)"})

    @validates_schema(skip_on_field_errors=True)
    def _check(self, data: dict[str, Any], **_: Any) -> None:
        errors: dict[str, list[str]] = {}
        exponent = currency_exponent(data["currency"])
        for name in ("amount", "open_amount"):
            digits = len(data[name].partition(".")[2])
            if digits != exponent:
                errors[name] = [f"{data['currency']} amounts have exactly {exponent} digits after the point."]
        if not errors and Decimal(data["open_amount"]) > Decimal(data["amount"]):
            errors["open_amount"] = ["Must not exceed amount."]
        if data["issued_on"] > data["due_on"]:
            errors["due_on"] = ["Must not lie before issued_on."]
        if data["itemization"] is not None and not errors:
            errors.update(_itemization_problems(data["itemization"], data["currency"], exponent,
                                                Decimal(data["open_amount"])))
        requested, provided = data["substantiation_requested_on"], data["substantiation_provided_on"]
        if provided is not None and requested is None:
            errors["substantiation_provided_on"] = ["Needs substantiation_requested_on."]
        elif provided is not None and requested is not None and provided < requested:
            errors["substantiation_provided_on"] = ["Must not lie before substantiation_requested_on."]
        if errors:
            raise ValidationError(errors)

    @post_load
    def make(self, data: dict[str, Any], **_: Any) -> Invoice:
        return Invoice(**{**data, "amount": Decimal(data["amount"]), "open_amount": Decimal(data["open_amount"])})


def _itemization_problems(itemization: Any, currency: str, exponent: int | None,
                          open_amount: Decimal) -> dict[str, list[str]]:
    """The itemization's amounts are in the invoice's currency and lead to its open amount."""
    parts = {"amount": itemization.amount, "interest": itemization.interest, "fees": itemization.fees,
             "payments": itemization.payments, "credits": itemization.credits}
    for name, value in parts.items():
        if value < 0 or (value != 0 and -value.as_tuple().exponent != exponent):
            return {f"itemization.{name}": [f"A non-negative {currency} amount with exactly {exponent} digits "
                                            f"after the point."]}
    now = itemization.amount + itemization.interest + itemization.fees - itemization.payments - itemization.credits
    if now != open_amount:
        return {"itemization": [f"amount + interest + fees - payments - credits is {now}, not open_amount "
                                f"{open_amount} (12 CFR 1006.34(c)(2)(viii))."]}
    return {}


class DunningStepSchema(Schema):
    at = Timestamp(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(DUNNING_KINDS))
    level = StrictInt(required=True, validate=validate.Range(min=0, max=4))
    channel = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(CHANNELS))
    notices = fields.List(
        fields.String(validate=validate.Regexp(r"^[a-z0-9_]{1,60}$")), load_default=list,
        validate=validate.Length(max=10),
        metadata={"description": "disclosures the message carried, e.g. credit_bureau_warning "
                                 "(DE: BDSG § 31(2) Nr. 4 lit. c); de_rdg_13a_information and "
                                 "gdpr_art14_information (a collection agency's first demand: RDG § 13a(1), "
                                 "GDPR Art. 14(3)(b)), without which every later message repeats them"})

    @post_load
    def make(self, data: dict[str, Any], **_: Any) -> DunningStep:
        return DunningStep(**{**data, "notices": tuple(sorted(set(data["notices"])))})


class ContactAttemptSchema(Schema):
    at = Timestamp(required=True)
    channel = fields.String(required=True, validate=validate.OneOf(CHANNELS))
    connected = StrictBool(required=True)

    @post_load
    def make(self, data: dict[str, Any], **_: Any) -> ContactAttempt:
        return ContactAttempt(**data)


class HistorySchema(Schema):
    invoices_total = StrictInt(load_default=0, validate=validate.Range(min=0, max=1_000_000),
                               metadata={"description": "the debtor's earlier, settled invoices"})
    invoices_paid_late = StrictInt(load_default=0, validate=validate.Range(min=0, max=1_000_000))
    avg_days_late = fields.Float(load_default=None, allow_none=True, allow_nan=False,
                                 validate=validate.Range(min=0, max=3650),
                                 metadata={"description": "average days late over the earlier settled invoices, "
                                                          "invoices paid on time counting as 0"})
    paperless = StrictBool(load_default=False)
    dunning = fields.List(fields.Nested(DunningStepSchema), load_default=list,
                          validate=validate.Length(max=MAX_HISTORY))
    contacts = fields.List(fields.Nested(ContactAttemptSchema), load_default=list,
                           validate=validate.Length(max=MAX_HISTORY))

    @validates_schema(skip_on_field_errors=True)
    def _check(self, data: dict[str, Any], **_: Any) -> None:
        if data["invoices_paid_late"] > data["invoices_total"]:
            raise ValidationError({"invoices_paid_late": ["Must not exceed invoices_total."]})

    @post_load
    def make(self, data: dict[str, Any], **_: Any) -> History:
        return History(**{**data, "dunning": tuple(data["dunning"]), "contacts": tuple(data["contacts"])})


def _at_most_pairs(value: dict[str, Any]) -> None:
    if len(value) > request_metadata.MAX_PAIRS:
        raise ValidationError(f"At most {request_metadata.MAX_PAIRS} pairs.")


class DecisionRequestSchema(Schema):
    """What should be done next about one overdue invoice, as of a point in time."""

    as_of = Timestamp(required=True, metadata={"example": "2026-11-22T09:00:00Z"})
    creditor = fields.Nested(CreditorSchema, load_default=lambda: {"role": "first_party"})
    debtor = fields.Nested(DebtorSchema, required=True)
    invoice = fields.Nested(InvoiceSchema, required=True)
    history = fields.Nested(HistorySchema, load_default=History)
    metadata_ = fields.Dict(
        data_key="metadata", allow_none=True,
        keys=fields.String(validate=validate.Regexp(request_metadata.KEY_PATTERN,
                                                    error=f"Keys are 1 to {request_metadata.MAX_KEY} characters of "
                                                          "A-Z, a-z, 0-9, _, . and -.")),
        values=Text(max_length=request_metadata.MAX_VALUE), validate=_at_most_pairs,
        metadata={"description": f"your own key-value pairs (at most {request_metadata.MAX_PAIRS}; keys of 1 to "
                                 f"{request_metadata.MAX_KEY} characters A-Z a-z 0-9 _ . -; values at most "
                                 f"{request_metadata.MAX_VALUE} characters), returned as sent; sealed like personal "
                                 "data, never used by a decision",
                  "maxProperties": request_metadata.MAX_PAIRS, "example": {"erp_document": "4711"}})

    @validates_schema(skip_on_field_errors=True)
    def _check(self, data: dict[str, Any], **_: Any) -> None:
        as_of = data["as_of"]
        history: History = data["history"]
        errors: dict[str, Any] = {}
        timed: tuple[tuple[str, tuple[Any, ...]], ...] = (("dunning", history.dunning), ("contacts", history.contacts))
        for name, steps in timed:
            late = {str(i): {"at": ["Must lie before as_of."]} for i, e in enumerate(steps) if e.at >= as_of}
            if late:
                errors.setdefault("history", {})[name] = late
        invoice: Invoice = data["invoice"]
        if invoice.issued_on > as_of.date():
            errors.setdefault("invoice", {})["issued_on"] = ["Must not lie after as_of."]
        if invoice.last_payment_on is not None and invoice.last_payment_on > as_of.date():
            errors.setdefault("invoice", {})["last_payment_on"] = ["Must not lie after as_of."]
        if errors:
            raise ValidationError(errors)

    @post_load
    def make(self, data: dict[str, Any], **_: Any) -> Case:
        creditor = data["creditor"]
        return Case(as_of=data["as_of"], creditor_role=creditor["role"], debtor=data["debtor"],
                    invoice=data["invoice"], history=data["history"],
                    creditor=Creditor(name=creditor.get("name"), contact=creditor.get("contact"),
                                      principal=creditor.get("principal"),
                                      supervisory_authority=creditor.get("supervisory_authority")))


# -- response (documentation of the contract; the documents are built by the domain) -------


class FeeSchema(Schema):
    kind = fields.String(metadata={"example": "dunning_fee"})
    amount = fields.String(metadata={"example": "2.50"})
    currency = fields.String(metadata={"example": "EUR"})
    basis = fields.String(metadata={"description": "the legal basis of the fee"})


class ActionSchema(Schema):
    kind = fields.String(validate=validate.OneOf(ACTION_KINDS))
    level = fields.Integer(allow_none=True)
    channel = fields.String(allow_none=True, validate=validate.OneOf(CHANNELS))
    tone = fields.String(allow_none=True, validate=validate.OneOf(TONES))
    send_at = fields.String(allow_none=True, metadata={"format": "date-time"})
    fees = fields.List(fields.Nested(FeeSchema))
    template = fields.String(allow_none=True)
    notices = fields.List(fields.String(), metadata={"description": "disclosures the message must carry"})


class ModelRefSchema(Schema):
    id = fields.String(allow_none=True, metadata={"description": "null when no model version is approved"})
    sha256 = fields.String(allow_none=True)


class RiskSchema(Schema):
    p_late = fields.Float(allow_none=True)
    band = fields.String(allow_none=True, validate=validate.OneOf(("low", "medium", "high")))
    uncertainty = fields.Float(allow_none=True)
    interval = fields.List(fields.Float(), allow_none=True,
                           metadata={"description": "the safeguard interval of the calibrated p_late [lower, upper]"})
    interval_bands = fields.List(fields.String(validate=validate.OneOf(("low", "medium", "high"))), allow_none=True,
                                 metadata={"description": "every band the interval reaches; more than one sends the "
                                                          "case to human review (FD-OVERSIGHT-UNCERTAIN-SCORE)"})
    out_of_range = fields.List(fields.String(), allow_none=True,
                               metadata={"description": "model inputs outside the range the model was trained on "
                                                        "(human review)"})
    inputs = fields.Dict(keys=fields.String(), values=fields.Raw(allow_none=True), allow_none=True,
                         metadata={"description": "the model inputs as scored (no identifiers)"})
    profiling = fields.Boolean()
    model = fields.Nested(ModelRefSchema, allow_none=True)


class ReasonSchema(Schema):
    feature = fields.String()
    features = fields.List(fields.String(), metadata={"description": "all features of the term (interactions)"})
    value = fields.Raw(allow_none=True)
    contribution = fields.Float(allow_none=True, metadata={"description": "log-odds contribution (staff); "
                                                                          "null for rule-based reasons"})
    direction = fields.String(validate=validate.OneOf(("raises", "lowers")),
                              metadata={"description": "whether the term raises or lowers the risk"})
    direction_text = fields.String(metadata={"description": "the direction in the debtor's language, shown with "
                                                            "the sentence"})
    text = fields.String(metadata={"description": "plain-language sentence for the debtor"})


class PolicyTraceSchema(Schema):
    rule = fields.String()
    effect = fields.String(validate=validate.OneOf(("deny", "obligation")))
    obligation = fields.String()
    action = fields.String()
    channel = fields.String(allow_none=True)
    citation = fields.String()
    message = fields.String()


class RedecidedSchema(Schema):
    band = fields.String()
    kind = fields.String()
    level = fields.Integer(allow_none=True)
    tone = fields.String(allow_none=True)


class CounterfactualSchema(Schema):
    """The one feature change within the range seen in training that would move the risk band."""

    feature = fields.String()
    value = fields.Raw(allow_none=True, metadata={"description": "the value the decision was scored with"})
    change = fields.String(validate=validate.OneOf(("later", "lower")),
                           metadata={"description": "later: the invoice stays unpaid; lower: a lower value"})
    threshold = fields.Float(metadata={"description": "days past due from which the new band applies, or the "
                                                      "value the feature must fall below (staff)"})
    band = fields.String(validate=validate.OneOf(("low", "medium", "high")))
    counterfactual_band = fields.String(validate=validate.OneOf(("low", "medium", "high")))
    counterfactual_p_late = fields.Float()
    paid_by = fields.String(allow_none=True, metadata={"format": "date",
                                                       "description": "change 'later': the last day of the band"})
    text = fields.String(metadata={"description": "plain-language hint for the debtor"})
    redecided = fields.Nested(RedecidedSchema, metadata={"description": "the step re-deciding with the "
                                                                        "counterfactual band gave (the hint is shown "
                                                                        "only when it confirms it)"})


class ScoreRoleItemSchema(Schema):
    element = fields.String()
    text = fields.String()


class ScoreRoleSchema(Schema):
    changed = fields.List(fields.Nested(ScoreRoleItemSchema),
                          metadata={"description": "what the risk score changed in this decision"})
    regardless = fields.List(fields.Nested(ScoreRoleItemSchema),
                             metadata={"description": "what followed from the ladder or the law whatever the score"})


class ExplanationSchema(Schema):
    language = fields.String()
    summary = fields.String()
    reasons = fields.List(fields.Nested(ReasonSchema))
    score_role = fields.Nested(ScoreRoleSchema)
    counterfactual = fields.Nested(CounterfactualSchema, allow_none=True)
    policy = fields.List(fields.Nested(PolicyTraceSchema))


class PolicyRefSchema(Schema):
    bundle_sha256 = fields.String()
    engine = fields.String(validate=validate.OneOf(("opa-embedded", "regopy", "opa-server")),
                           metadata={"description": "the engine that evaluated the policy bundle"})
    engine_version = fields.String(allow_none=True,
                                   metadata={"description": "its version: OPA's for opa-embedded and opa-server, "
                                                            "rego-cpp's for regopy"})


class StrategyRefSchema(Schema):
    ladder_version = fields.String()
    ladder_sha256 = fields.String()


class HoldSchema(Schema):
    code = fields.String()
    detail = fields.String()


class LedgerRefSchema(Schema):
    seq = fields.Integer()
    entry_hash = fields.String()


class EffectiveBecauseSchema(Schema):
    """The review outcome that makes a decision's effective status what it is."""

    case_id = fields.String()
    outcome = fields.String(validate=validate.OneOf(("uphold", "modify", "overturn")))
    outcome_seq = fields.Integer(metadata={"description": "the ledger seq of the review outcome"})
    closed_at = fields.String(metadata={"format": "date-time"})


class EffectiveSchema(Schema):
    """What to do now, after the latest human review: overturn sets the decision aside (no action),
    modify makes the reviewer's action the one to carry out, uphold keeps the decision's action and
    releases a needs_review decision (decided); without a review outcome, the decision as recorded."""

    status = fields.String(validate=validate.OneOf(EFFECTIVE_STATUSES))
    action = fields.Nested(ActionSchema, allow_none=True)
    because = fields.Nested(EffectiveBecauseSchema, allow_none=True,
                            metadata={"description": "the review outcome applied; null without one"})


class ModifiedActionSchema(Schema):
    """The action a reviewer ordered instead (modify)."""

    kind = fields.String(validate=validate.OneOf(ACTION_KINDS))
    level = fields.Integer(allow_none=True)
    channel = fields.String(allow_none=True, validate=validate.OneOf(CHANNELS))
    tone = fields.String(allow_none=True, validate=validate.OneOf(TONES))
    send_at = fields.String(allow_none=True, metadata={"format": "date-time"})
    fees = fields.List(fields.Nested(FeeSchema))
    notices = fields.List(fields.String())


class DecisionReviewSchema(Schema):
    """The decision's latest human review."""

    case_id = fields.String()
    status = fields.String(validate=validate.OneOf(("open", "closed")))
    origin = fields.String(validate=validate.OneOf(("automatic", "debtor")),
                           metadata={"description": "automatic: the decision needed review; debtor: the debtor "
                                                    "asked for it (GDPR Art. 22(3))"})
    opened_at = fields.String(metadata={"format": "date-time"})
    due_at = fields.String(metadata={"format": "date-time"})
    outcome = fields.String(allow_none=True, validate=validate.OneOf(("uphold", "modify", "overturn")))
    closed_at = fields.String(allow_none=True, metadata={"format": "date-time"})
    action = fields.Nested(ModifiedActionSchema, allow_none=True, metadata={"description": "modify: the action"})
    escalation = fields.String(validate=validate.OneOf(("paused", "resumed", "free")),
                               metadata={"description": "whether automated escalation of the invoice is paused "
                                                        "(open review; overturn until resumed)"})
    outcome_seq = fields.Integer(allow_none=True, metadata={"description": "the ledger seq of the outcome"})


class OptionSchema(Schema):
    id = fields.String(metadata={"description": "the candidate's id in this decision (policy input)"})
    kind = fields.String()
    level = fields.Integer(allow_none=True)
    channel = fields.String(allow_none=True)
    tone = fields.String(allow_none=True)
    send_at = fields.String(allow_none=True, metadata={"format": "date-time"})


class SelectionSchema(Schema):
    lawful = fields.List(fields.Nested(OptionSchema), metadata={
        "description": "every candidate the policy gate allowed, ranked candidates first"})
    chosen = fields.String(metadata={"description": "the id of the option taken"})
    propensity = fields.Float(metadata={
        "description": "the probability with which it was chosen: 1 outside an experiment; in one, the share of "
                       "arms that lead to it"})


class DecisionExperimentSchema(Schema):
    id = fields.String()
    arm = fields.String()
    propensity = fields.Float(metadata={"description": "the probability of the arm: 1 / active arms"})
    applied = fields.Boolean(metadata={"description": "false: the gate refused (or the ladder did not offer) the "
                                                      "arm's option and the first lawful candidate was taken"})
    fallback = fields.String(allow_none=True, validate=validate.OneOf(("refused", "not_offered")))
    rules = fields.List(fields.String(), metadata={"description": "the rules that refused the arm's option "
                                                                  "(also in explanation.policy)"})


class DecisionResponseSchema(Schema):
    decision_id = fields.String()
    as_of = fields.String(metadata={"format": "date-time"})
    status = fields.String(validate=validate.OneOf(("decided", "needs_review", "held")))
    action = fields.Nested(ActionSchema)
    risk = fields.Nested(RiskSchema)
    explanation = fields.Nested(ExplanationSchema)
    policy = fields.Nested(PolicyRefSchema)
    strategy = fields.Nested(StrategyRefSchema)
    hold = fields.Nested(HoldSchema, allow_none=True)
    selection = fields.Nested(SelectionSchema, allow_none=True, metadata={
        "description": "what the gate left to choose from and what was chosen (for learning from outcomes); "
                       "null when held, and in decisions recorded before it existed"})
    experiment = fields.Nested(DecisionExperimentSchema, allow_none=True, metadata={
        "description": "the experiment arm the claim was allocated to; null outside experiments"})
    ledger = fields.Nested(LedgerRefSchema)
    message = fields.Nested(MessageSchema, allow_none=True, metadata={
        "description": "the ready-to-send message of a decided communication (e-mail, SMS, letter; also of a "
                       "needs_review decision, for the reviewer to approve); null when nothing is to be written"})
    review = fields.Nested(DecisionReviewSchema, allow_none=True, metadata={
        "description": "GET only: the decision's latest human review; null when never reviewed"})
    effective = fields.Nested(EffectiveSchema, metadata={
        "description": "GET only: what to do now, after the latest review outcome (act on this, not on status "
                       "and action: an overturned decision is set_aside)"})
    metadata_ = fields.Dict(data_key="metadata", keys=fields.String(), values=fields.String(), allow_none=True,
                            metadata={"description": "the request's metadata as sent ({} when none); null once "
                                                     "the request is erased; GET: for ar_system and "
                                                     "compliance_officer keys only"})
