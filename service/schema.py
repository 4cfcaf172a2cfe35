"""The database schema is the Alembic migrations in ``service/migrations``.

``upgrade()`` brings a database to head; ``metadata()`` is every table model
(for autogenerating the next migration and for the test that migrations and
models agree)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import MetaData
from sqlalchemy.engine import Engine

__all__ = ["alembic_config", "upgrade", "metadata"]


def metadata() -> MetaData:
    # Importing the table modules registers them on the shared Base.
    import decisions.outbox_tables  # noqa: F401
    import decisions.policy.tables  # noqa: F401
    import decisions.rights.tables  # noqa: F401
    import decisions.tables  # noqa: F401
    import explain.tables  # noqa: F401
    import ledger.tables  # noqa: F401
    import retention.tables  # noqa: F401
    import service.tables  # noqa: F401
    import service.webhooks.tables  # noqa: F401
    from ledger.db import Base

    return Base.metadata


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    command.upgrade(alembic_config(engine), revision)
