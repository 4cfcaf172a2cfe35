"""The case: one overdue invoice as an AR system describes it, already validated.

These types are built by the request schema at the edge (``service/schemas``) and
by nothing else. Direct identifiers (``Contact``, the references) travel with the
case only so they can be sealed; features and policy input never read them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Literal

__all__ = [
    "ACTION_KINDS", "CHANNELS", "TONES", "DEBTOR_KINDS", "CREDITOR_ROLES", "UK_NATIONS",
    "Contact", "Consents", "Flags", "Debtor", "Invoice", "DunningStep", "ContactAttempt", "History", "Case",
    "CreditorContact", "Creditor", "Principal", "Contract", "Itemization", "DEBTOR_ADDRESS_SOURCES", "BankTransfer", "Payment",
    "TimeRange", "INCONVENIENT_PLACES",
]

DebtorKind = Literal["consumer", "business"]
CreditorRole = Literal["first_party", "debt_collector"]
ACTION_KINDS = ("none", "pre_due_reminder", "reminder", "final_notice", "payment_plan_offer",
                "collection_handover", "credit_bureau_report")
CHANNELS = ("email", "sms", "letter", "phone")
TONES = ("gentle", "neutral", "firm")
DEBTOR_KINDS = ("consumer", "business")
CREDITOR_ROLES = ("first_party", "debt_collector")
# Where a collection agency has the debtor's postal address from (RDG § 13a(1) Nr. 7).
DEBTOR_ADDRESS_SOURCES = ("creditor", "research")
# The UK's three legal systems (limitation differs: Limitation Act 1980; Prescription and
# Limitation (Scotland) Act 1973; Limitation (Northern Ireland) Order 1989).
UK_NATIONS = ("england_wales", "scotland", "northern_ireland")
# Places a debtor can name as inconvenient (12 CFR 1006.6(b)(1)(ii)); "work" is read like the
# no_work_contact flag (the channels that may reach the workplace).
INCONVENIENT_PLACES = ("work",)
DUNNING_KINDS = ("pre_due_reminder", "reminder", "final_notice", "payment_plan_offer")


@dataclass(frozen=True, slots=True)
class Contact:
    name: str | None = None
    email: str | None = None
    phone: str | None = None
    address: str | None = None


@dataclass(frozen=True, slots=True)
class Consents:
    """Channel consents; a consent the AR system did not send counts as refused."""

    email: bool = False
    sms: bool = False
    phone: bool = False
    letter: bool = False


@dataclass(frozen=True, slots=True)
class Flags:
    vulnerable: bool = False
    insolvency: bool = False
    deceased: bool = False
    breathing_space_until: date | None = None
    cease_communication: bool = False
    no_work_contact: bool = False
    # UK Debt Respite Scheme: a mental health crisis moratorium has no end date the creditor knows.
    mental_health_crisis_moratorium: bool = False
    financial_difficulty: bool = False


@dataclass(frozen=True, slots=True)
class TimeRange:
    """A local time range the consumer said is inconvenient ("HH:MM", start inclusive, end
    exclusive; a start after the end runs over midnight), 12 CFR 1006.6(b)(1)(i)."""

    start: str
    end: str


@dataclass(frozen=True, slots=True)
class Debtor:
    ref: str
    kind: DebtorKind
    jurisdiction: str
    timezone: str
    language: str
    contact: Contact = field(default_factory=Contact)
    consents: Consents = field(default_factory=Consents)
    flags: Flags = field(default_factory=Flags)
    # Other IANA zones the debtor may be in (conflicting location data): contact hours must
    # hold in every one of them (12 CFR 1006.6(b)(1)(i), comment 6(b)(1)(i)-2).
    other_timezones: tuple[str, ...] = ()
    opted_out_channels: tuple[str, ...] = ()    # channels the debtor asked not to be used
    # GB debtors: the legal system of the UK nation (UK_NATIONS); None when the AR system does
    # not say, and the policies then apply the reading most protective of the debtor.
    uk_nation: str | None = None
    # Regulation F facts (US debt collectors): the collector knows the consumer is represented
    # by an attorney about the debt and knows the attorney's name and address (12 CFR
    # 1006.6(b)(2)); times and places the consumer said are inconvenient (1006.6(b)(1)); the
    # contact e-mail address is one the employer provides (1006.22(f)(3)), and whether the
    # consumer e-mailed the collector from it or consented to its use directly.
    represented_by_attorney: bool = False
    inconvenient_times: tuple[TimeRange, ...] = ()
    inconvenient_places: tuple[str, ...] = ()
    email_is_work: bool = False
    work_email_permitted: bool = False

    @property
    def country(self) -> str:
        return self.jurisdiction.split("-", 1)[0]

    @property
    def possible_timezones(self) -> tuple[str, ...]:
        """Every zone the debtor may be in: the own zone first, then the others, each once."""
        return tuple(dict.fromkeys((self.timezone, *self.other_timezones)))

    @property
    def subdivision(self) -> str | None:
        return self.jurisdiction if "-" in self.jurisdiction else None


@dataclass(frozen=True, slots=True)
class CreditorContact:
    """How the debtor reaches the creditor; printed in messages (``decisions/messages``)."""

    address: str | None = None      # one line, commas between the lines of the postal address
    email: str | None = None
    phone: str | None = None
    website: str | None = None


@dataclass(frozen=True, slots=True)
class Principal:
    """A collection agency's client, on whose behalf it collects (RDG § 13a(1) Nr. 1, 7; GDPR
    Art. 14(2)(f): the source of the debtor's data); printed in messages only."""

    name: str
    address: str                     # one line, commas between the lines of the postal address
    debtor_address_source: str       # "creditor" (the client gave it) or "research" (RDG § 13a(1) Nr. 7)


@dataclass(frozen=True, slots=True)
class Creditor:
    """Who the message comes from; an empty one means the installation's (FAIRDUN_CREDITOR_*)."""

    name: str | None = None
    contact: CreditorContact | None = None
    principal: Principal | None = None            # a collection agency's client
    supervisory_authority: str | None = None      # a German collection agency's (RDG § 13a(1) Nr. 8)


@dataclass(frozen=True, slots=True)
class BankTransfer:
    iban: str                        # normalised: upper case, no spaces, ISO 13616 check digits verified
    bic: str | None = None
    reference: str | None = None     # remittance information; the invoice number when absent
    account_holder: str | None = None   # the creditor's name when absent


@dataclass(frozen=True, slots=True)
class Payment:
    """How the debtor can pay: a bank transfer, a payment page (https), or both."""

    bank_transfer: BankTransfer | None = None
    url: str | None = None


@dataclass(frozen=True, slots=True)
class Contract:
    """The contract the claim arises from (RDG § 13a(1) Nr. 2); printed in messages only."""

    subject: str
    concluded_on: date


@dataclass(frozen=True, slots=True)
class Itemization:
    """What the validation notice itemizes (12 CFR 1006.34(c)(2)(iii)-(viii)); printed in messages
    only. Since the itemization date the debt grew by interest and fees and shrank by payments and
    credits to the invoice's open amount."""

    on: date                                 # the itemization date (1006.34(b)(3))
    creditor: str                            # the creditor to whom the debt was owed on that date
    amount: Decimal                          # owed on that date
    interest: Decimal = Decimal(0)
    fees: Decimal = Decimal(0)
    payments: Decimal = Decimal(0)
    credits: Decimal = Decimal(0)


@dataclass(frozen=True, slots=True)
class Invoice:
    ref: str
    currency: str
    amount: Decimal
    open_amount: Decimal
    issued_on: date
    due_on: date
    disputed: bool = False
    promise_to_pay_on: date | None = None
    last_payment_on: date | None = None
    due_date_agreed: bool = False            # BGB § 286(2) Nr. 1: the due date was agreed by the calendar
    default_notice_in_invoice: bool = False  # BGB § 286(3): the invoice pointed out the 30-day default
    # 12 CFR 1006.34: the day a debt collector sent the validation notice (events of type
    # validation_notice_sent and messages that carried it count too: decisions.situation)
    validation_notice_sent_on: date | None = None
    payment: Payment | None = None           # printed in messages only; never a feature or policy input
    contract: Contract | None = None         # printed in messages only (RDG § 13a(1) Nr. 2)
    itemization: Itemization | None = None   # printed in messages only (12 CFR 1006.34(c)(2))
    substantiation_requested_on: date | None = None   # 23 NYCRR 1.4: the consumer asked for substantiation
    substantiation_provided_on: date | None = None    # and the collector provided it in writing


@dataclass(frozen=True, slots=True)
class DunningStep:
    at: datetime
    kind: str
    level: int
    channel: str | None
    notices: tuple[str, ...] = ()            # disclosures the message carried (e.g. credit_bureau_warning)


@dataclass(frozen=True, slots=True)
class ContactAttempt:
    at: datetime
    channel: str
    connected: bool


@dataclass(frozen=True, slots=True)
class History:
    invoices_total: int = 0
    invoices_paid_late: int = 0
    avg_days_late: float | None = None
    paperless: bool = False
    dunning: tuple[DunningStep, ...] = ()
    contacts: tuple[ContactAttempt, ...] = ()


@dataclass(frozen=True, slots=True)
class Case:
    as_of: datetime
    creditor_role: CreditorRole
    debtor: Debtor
    invoice: Invoice
    history: History
    creditor: Creditor = field(default_factory=Creditor)   # name and contact, for messages only
