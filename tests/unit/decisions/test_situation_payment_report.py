"""A payment the debtor reported in the portal holds the claim as a dispute does, until the AR
system answers it with a payment or a closed dispute (``decisions.situation``)."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from decisions.case import Case, Debtor, History, Invoice
from decisions.situation import Activity, situate

REPORTED = Activity(at=datetime(2026, 11, 21, 9, tzinfo=UTC), activity="payment_reported", on_date=date(2026, 11, 20))



def case() -> Case:
    invoice = Invoice(ref="INV-1", currency="EUR", amount=Decimal("100.00"), open_amount=Decimal("100.00"),
                      issued_on=date(2026, 10, 1), due_on=date(2026, 10, 31))
    return Case(as_of=datetime(2026, 11, 22, 23, 30, tzinfo=UTC), creditor_role="first_party",
                debtor=Debtor(ref="C-1", kind="consumer", jurisdiction="DE", timezone="Europe/Berlin", language="de"),
                invoice=invoice, history=History())


def test_a_reported_payment_counts_as_a_dispute_until_it_is_answered() -> None:
    situation = situate(case(), (REPORTED,))
    assert situation.disputed and situation.payment_reported_on == date(2026, 11, 20)
    assert not situation.settled                                     # the debtor's word settles nothing


@pytest.mark.parametrize(("answer", "settled"), [("payment_received", True), ("partial_payment", False),
                                                 ("dispute_closed", False)])
def test_the_ar_systems_later_answer_ends_the_hold(answer: str, settled: bool) -> None:
    later = Activity(at=datetime(2026, 11, 22, 8, tzinfo=UTC), activity=answer, on_date=date(2026, 11, 20))
    situation = situate(case(), (REPORTED, later))
    assert not situation.disputed and situation.payment_reported_on is None and situation.settled is settled


def test_an_answer_before_the_report_does_not_answer_it() -> None:
    earlier = Activity(at=datetime(2026, 11, 10, 8, tzinfo=UTC), activity="partial_payment", on_date=date(2026, 11, 9))
    assert situate(case(), (earlier, REPORTED)).disputed


def test_a_report_after_as_of_is_not_known_yet() -> None:
    future = Activity(at=datetime(2026, 11, 23, 9, tzinfo=UTC), activity="payment_reported", on_date=date(2026, 11, 23))
    assert not situate(case(), (future,)).disputed
