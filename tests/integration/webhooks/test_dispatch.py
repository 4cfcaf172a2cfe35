"""The dispatcher across processes (claims and their leases) and the schema 0007 (its tables are
the models', and the outbox's origin is the ledger's size at the upgrade), on both databases."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from conftest import FakeClock
from fakes import request_with
from sqlalchemy import text
from webhook_support import Receiver

from ledger import Database
from service.schema import alembic_config, metadata, upgrade
from service.webhooks import dispatcher_for
from service.webhooks.dispatcher import LEASE
from service.webhooks.signing import SecretBox
from service.webhooks.tables import WebhookDeliveryRow

OURS = ("outbox_events", "outbox_origin", "webhook_endpoints", "webhook_deliveries", "webhook_attempts")


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with Receiver() as running:
        yield running


@pytest.fixture
def app(make_app: Callable[..., Any]) -> Any:
    return make_app(WEBHOOK_ALLOW_HTTP_HOSTS="127.0.0.1")


def _held_event(app: Any, client: Any, auth: Any, receiver: Receiver) -> str:
    from decisions.policy import FakePolicyEngine, PolicyError

    def fails(_: Any) -> Any:
        raise PolicyError("down")

    created = client.post("/v1/webhook-endpoints", headers=auth("admin"),
                          json={"url": receiver.url, "events": ["decision.held"]})
    assert created.status_code == 201
    runtime = app.extensions["fairdun"]
    runtime.context = replace(runtime.context, policy=FakePolicyEngine(fails))
    assert client.post("/v1/decisions", json=request_with(), headers=auth("ar_system")).json["status"] == "held"
    return str(created.json["endpoint_id"])


def test_a_claimed_delivery_is_left_to_its_dispatcher_until_the_lease_runs_out(
        app: Any, client: Any, auth: Any, receiver: Receiver, clock: FakeClock) -> None:
    _held_event(app, client, auth, receiver)
    first, second = dispatcher_for(app), dispatcher_for(app)   # two processes
    assert first.fan_out() == 1 and second.fan_out() == 0      # fanned out once
    claimed = first._claim()                                    # ... and then the first process dies
    assert len(claimed) == 1
    assert second.run_once().as_dict() == {"fanned_out": 0, "announced": 0, "delivered": 0, "failed": 0,
                                           "disabled": []}
    clock.advance(seconds=LEASE.total_seconds() - 1)
    assert second.run_once().delivered == 0 and receiver.received == []
    clock.advance(seconds=1)
    assert second.run_once().delivered == 1                     # at least once: the lease ran out
    assert second.run_once().delivered == 0 and len(receiver.received) == 1
    with app.extensions["fairdun"].db.reading() as session:
        [row] = session.query(WebhookDeliveryRow).all()
        assert row.status == "delivered" and row.claimed_until is None


# FOR UPDATE SKIP LOCKED is PostgreSQL's (SQLite's write lock serialises claims): no SQLite case.
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_on_postgresql_a_claim_skips_what_another_claim_holds_without_waiting(
        app: Any, client: Any, auth: Any, receiver: Receiver, database_url: str) -> None:
    _held_event(app, client, auth, receiver)
    dispatcher = dispatcher_for(app)
    dispatcher.fan_out()
    with app.extensions["fairdun"].db.unit_of_work() as holding:   # another process, mid-claim
        holding.session.query(WebhookDeliveryRow).with_for_update().all()
        assert dispatcher._claim() == []
    assert len(dispatcher._claim()) == 1


def test_a_secret_that_does_not_open_holds_its_deliveries_and_nothing_goes_unsigned(
        app: Any, client: Any, auth: Any, receiver: Receiver, clock: FakeClock) -> None:
    _held_event(app, client, auth, receiver)
    dispatcher = dispatcher_for(app)
    dispatcher._box = SecretBox(bytes(32))                      # another instance's webhook key
    assert dispatcher.run_once().as_dict() == {"fanned_out": 1, "announced": 0, "delivered": 0, "failed": 0,
                                               "disabled": []}
    assert receiver.received == []
    assert dispatcher_for(app).run_once().delivered == 0        # held back for a lease, not retried at once
    clock.advance(seconds=LEASE.total_seconds())
    assert dispatcher_for(app).run_once().delivered == 1        # the right key: it goes


@pytest.fixture
def bare(database_url: str) -> Iterator[Database]:
    database = Database(database_url)
    yield database
    database.dispose()


def test_the_migration_creates_exactly_the_models(bare: Database) -> None:
    upgrade(bare.engine)
    with bare.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), metadata())
        assert connection.execute(text("SELECT id, first_seq FROM outbox_origin")).all() == [(1, 0)]
    assert [d for d in differences if any(table in repr(d) for table in OURS)] == []
    command.downgrade(alembic_config(bare.engine), "0006")
    upgrade(bare.engine)


def test_the_outbox_of_an_upgraded_installation_begins_where_its_ledger_ended(bare: Database, clock: FakeClock) -> None:
    upgrade(bare.engine, "0006")
    with bare.engine.begin() as connection:
        for seq in range(3):   # the rows alone: the origin reads only the ledger's size
            connection.execute(text("INSERT INTO ledger_entries (seq, ts, kind, entry, leaf_hash) "
                                    "VALUES (:seq, :ts, 'old', '{}', :leaf)"),
                               {"seq": seq, "ts": clock(), "leaf": f"{seq:064x}"})
    upgrade(bare.engine)
    with bare.engine.connect() as connection:
        assert connection.execute(text("SELECT first_seq FROM outbox_origin")).scalar_one() == 3
