"""Database engine, declarative base and the unit of work.

SQLite (the embedded default) and PostgreSQL (production) behave alike here:
every write transaction holds the database's write lock for its whole life, so
ledger appends from many threads and processes serialise without forks. Write
sessions write the ledger rows appended in them before each query and at commit,
and tell listeners (the checkpointer) once appends have committed.

Every request passes a few small statements outside the ledger (its API key, its rate-limit
count): ``read_connection`` and ``transaction`` run them on a Core connection, without the
cost of an ORM session.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager, nullcontext
from typing import Any

from sqlalchemy import MetaData, create_engine, event, insert
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

from .handover import Handover

__all__ = ["Base", "make_engine", "UnitOfWork", "Database", "insert_later", "APPENDED_KEY", "PENDING_KEY",
           "WRITER_KEY"]

# Set by ``chain.append`` in ``session.info``: (transaction, ledger size after it).
APPENDED_KEY = "fairdun.ledger_appended"
# Set by ``chain.lock_head``: writes the rows appended so far (called before each query
# that may read them and before commit).
PENDING_KEY = "fairdun.ledger_pending"
# Marks the sessions of ``Database.unit_of_work()``, the only ones that write them.
WRITER_KEY = "fairdun.ledger_writer"
# Set by ``insert_later``: (transaction, {mapped class: rows}).
_DEFERRED_KEY = "fairdun.deferred_rows"

# Named constraints make migrations reproducible on both backends.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for ``url`` with the settings fairdun relies on."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 60, "check_same_thread": False}, **kwargs)
        _configure_sqlite(engine)
        return engine
    return create_engine(url, pool_pre_ping=True, **kwargs)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event below issue BEGIN itself (pysqlite would
        # otherwise defer it and upgrade read locks to write locks, which fails
        # with SQLITE_BUSY under concurrent writers instead of waiting).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=60000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        mode = connection.get_execution_options().get("sqlite_begin", "IMMEDIATE")
        connection.exec_driver_sql(f"BEGIN {mode}")


class Database:
    """The engine and its session factories: one for writes, one for reads."""

    def __init__(self, url: str, **engine_kwargs: Any) -> None:
        self.url = url
        self.engine = make_engine(url, **engine_kwargs)
        self.is_sqlite = self.engine.dialect.name == "sqlite"
        reader = self.engine.execution_options(sqlite_begin="DEFERRED") if self.is_sqlite else self.engine
        self._reader = reader
        self._write_sessions = sessionmaker(self.engine, expire_on_commit=False, info={WRITER_KEY: True})
        self._read_sessions = sessionmaker(reader, expire_on_commit=False)
        event.listen(self._write_sessions, "before_commit", _write_pending)
        event.listen(self._write_sessions, "do_orm_execute", _write_pending_before_query)
        self._append_listeners: list[Callable[[int], None]] = []
        path = self.engine.url.database if self.is_sqlite else None
        # A database in memory has one connection and nobody to hand over to.
        self._handover = Handover(path) if path and path != ":memory:" and not path.startswith("file:") else None

    def unit_of_work(self, *, run_slice: bool = False) -> UnitOfWork:
        """A write transaction. ``run_slice``: one slice of a batch run, which on SQLite lets the
        interactive writers that queued during its last slice go first (``ledger.handover``)."""
        return UnitOfWork(self._write_sessions, self._append_listeners, hold=self._hold(run_slice))

    def interactive(self) -> AbstractContextManager[None]:
        """Around interactive work that writes in several transactions (an HTTP request): on
        SQLite a batch run's next slice waits for all of it, not for its first transaction only.
        Units of work opened inside need nothing more."""
        return self._hold(False)()

    def _hold(self, run_slice: bool) -> Callable[[], AbstractContextManager[None]]:
        if self._handover is None:
            return nullcontext
        return self._handover.run_slice if run_slice else self._handover.interactive

    def on_append_committed(self, listener: Callable[[int], None]) -> None:
        """Call ``listener(ledger size)`` after each unit of work that appended to the
        ledger has committed (the checkpointer keeps up this way)."""
        self._append_listeners.append(listener)

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A session for reads. Closing it ends its transaction without commit (so
        nothing it might have written persists) and leaves loaded objects usable."""
        session = self._read_sessions()
        try:
            yield session
        finally:
            session.close()

    def read_connection(self) -> AbstractContextManager[Connection]:
        """A Core connection for reads; its transaction ends without commit when it closes."""
        return self._reader.connect()

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """A Core transaction for a small write that appends nothing to the ledger: committed
        when its block ends, rolled back if the block raises. (SQLite: it takes the write lock
        at its start, as a unit of work does.)"""
        with self._hold(False)(), self.engine.begin() as connection:
            yield connection

    def dispose(self) -> None:
        self.engine.dispose()


def insert_later(session: Session, table: type[Base], row: dict[str, Any]) -> None:
    """Insert ``row`` into ``table`` (a mapped class) with the ledger's pending rows: before the
    transaction's next query and at its commit, one statement per table, in the order the tables
    were first given (so a row is written after those it refers to). For rows written by the
    thousand in a batch run and not changed again in their transaction; every row of a table
    names the same columns."""
    if not session.info.get(WRITER_KEY):
        raise RuntimeError("insert_later needs a session of Database.unit_of_work()")
    if session.get_transaction() is None:
        session.connection()   # begin now: the rows are written by this transaction, never dropped
    transaction = session.get_transaction()
    deferred = session.info.get(_DEFERRED_KEY)
    if deferred is None or deferred[0] is not transaction:
        rows: dict[type[Base], list[dict[str, Any]]] = {}
        deferred = session.info[_DEFERRED_KEY] = (transaction, rows)
    deferred[1].setdefault(table, []).append(row)


def _write_pending(session: Session) -> None:
    write = session.info.get(PENDING_KEY)
    if write is not None:
        write(session)
    deferred = session.info.get(_DEFERRED_KEY)
    if deferred is not None and deferred[1] and deferred[0] is session.get_transaction():
        tables = dict(deferred[1])
        deferred[1].clear()
        connection = session.connection()
        for table, rows in tables.items():
            connection.execute(insert(table), rows)


def _write_pending_before_query(state: Any) -> None:
    """As autoflush does for ORM objects (and, like it, not inside ``no_autoflush``)."""
    if state.session.autoflush:
        _write_pending(state.session)


class UnitOfWork:
    """One database transaction: rolled back unless ``commit()`` was called.

    Usage::

        with db.unit_of_work() as uow:
            ledger.append(uow.session, ...)
            uow.session.add(projection_row)
            uow.commit()
    """

    def __init__(self, factory: sessionmaker[Session],
                 append_listeners: list[Callable[[int], None]] | None = None, *,
                 hold: Callable[[], AbstractContextManager[None]] = nullcontext) -> None:
        self._factory = factory
        self._append_listeners = append_listeners or []
        self._hold = hold
        self._held = ExitStack()
        self.session: Session

    def __enter__(self) -> UnitOfWork:
        self._held.enter_context(self._hold())   # before the session's BEGIN
        self.session = self._factory()
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            self.session.rollback()
        finally:
            try:
                self.session.close()
            finally:
                self._held.close()

    def commit(self) -> None:
        transaction = self.session.get_transaction()
        appended = self.session.info.get(APPENDED_KEY)
        self.session.commit()
        self._held.close()   # committed: the next writer need not wait for the listeners
        if appended is not None and appended[0] is transaction:
            for listener in self._append_listeners:
                listener(appended[1])
