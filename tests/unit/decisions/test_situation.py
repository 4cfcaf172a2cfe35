from datetime import UTC, date, datetime
from decimal import Decimal

from decisions.case import Case, ContactAttempt, Debtor, DunningStep, History, Invoice
from decisions.situation import Activity, situate


def case(**invoice_overrides: object) -> Case:
    fields = {"ref": "INV-1", "currency": "EUR", "amount": Decimal("100.00"), "open_amount": Decimal("100.00"),
              "issued_on": date(2026, 10, 1), "due_on": date(2026, 10, 31), **invoice_overrides}
    invoice = Invoice(**fields)
    history = History(dunning=(DunningStep(datetime(2026, 11, 8, 9, tzinfo=UTC), "reminder", 1, "email"),),
                      contacts=(ContactAttempt(datetime(2026, 11, 20, 15, tzinfo=UTC), "phone", False),))
    return Case(as_of=datetime(2026, 11, 22, 23, 30, tzinfo=UTC), creditor_role="first_party",
                debtor=Debtor(ref="C-1", kind="consumer", jurisdiction="DE", timezone="Europe/Berlin",
                              language="de"),
                invoice=invoice, history=history)


def test_days_past_due_count_in_the_debtors_time_zone() -> None:
    # 23:30 UTC on the 22nd is already the 23rd in Berlin.
    situation = situate(case())
    assert situation.today == date(2026, 11, 23)
    assert situation.days_past_due == 23


def test_remembered_decisions_and_events_join_the_request_history() -> None:
    remembered = (
        Activity(at=datetime(2026, 11, 15, 9, tzinfo=UTC), activity="dunning", kind="reminder", level=2,
                 channel="letter", decision_id="d2"),
        Activity(at=datetime(2026, 11, 21, 10, tzinfo=UTC), activity="contact_attempt", channel="phone",
                 connected=True),
        Activity(at=datetime(2026, 11, 30, 10, tzinfo=UTC), activity="contact_attempt", channel="sms",
                 connected=True),  # after as_of: not known yet
    )
    situation = situate(case(), remembered)
    assert [s.level for s in situation.dunning] == [1, 2]
    assert situation.level_reached == 2
    assert [(c.channel, c.connected) for c in situation.contacts] == [("phone", False), ("phone", True)]


def test_the_same_notice_reported_twice_counts_once() -> None:
    echoed = Activity(at=datetime(2026, 11, 8, 9, 5, tzinfo=UTC), activity="dunning", kind="reminder", level=1,
                      channel="email", decision_id="d1")
    assert len(situate(case(), (echoed,)).dunning) == 1


def test_undelivered_notices_do_not_count_as_sent() -> None:
    remembered = (
        Activity(at=datetime(2026, 11, 15, 9, tzinfo=UTC), activity="dunning", kind="reminder", level=2,
                 channel="email", decision_id="d2"),
        Activity(at=datetime(2026, 11, 15, 9, 1, tzinfo=UTC), activity="delivery_result", channel="email",
                 status="bounced", decision_id="d2"),
    )
    assert situate(case(), remembered).level_reached == 1


def test_an_open_dispute_event_makes_the_invoice_disputed_until_closed() -> None:
    opened = Activity(at=datetime(2026, 11, 10, tzinfo=UTC), activity="dispute_opened")
    closed = Activity(at=datetime(2026, 11, 12, tzinfo=UTC), activity="dispute_closed")
    assert situate(case(), (opened,)).disputed is True
    assert situate(case(), (opened, closed)).disputed is False
    assert situate(case(disputed=True), (opened, closed)).disputed is True


def test_a_closing_event_closes_the_claim() -> None:
    closed = Activity(at=datetime(2026, 11, 10, tzinfo=UTC), activity="claim_closed")
    assert situate(case()).closed is False
    assert situate(case(), (closed,)).closed is True
    assert situate(case(), (closed,)).settled is False      # written off or sold is not paid


def test_payments_settle_and_promises_extend() -> None:
    partial = Activity(at=datetime(2026, 11, 10, tzinfo=UTC), activity="partial_payment",
                       on_date=date(2026, 11, 10))
    promise = Activity(at=datetime(2026, 11, 11, tzinfo=UTC), activity="promise_to_pay",
                       on_date=date(2026, 11, 30))
    situation = situate(case(), (partial, promise))
    assert (situation.settled, situation.last_payment_on, situation.promise_to_pay_on) == (
        False, date(2026, 11, 10), date(2026, 11, 30))
    paid = Activity(at=datetime(2026, 11, 21, tzinfo=UTC), activity="payment_received")
    assert situate(case(), (paid,)).settled is True
    assert situate(case(open_amount=Decimal("0.00"))).settled is True
