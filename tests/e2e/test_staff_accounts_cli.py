"""``fairdun user password`` and ``fairdun user disable`` (SQLite and PostgreSQL): a reset or a
disabled account ends every console session of the account at once, a refused one ends nothing,
and the secret never appears in the output."""

from __future__ import annotations

from typing import Any

import pytest
from click.testing import CliRunner
from rights_support import entries
from web_support import make_staff, staff_sign_in

from service.cli import main

NEW_PASSWORD = "a different long password"


def _setup(make_app: Any) -> tuple[Any, Any]:
    app = make_app(WEB_COOKIE_SECURE=False)
    return app, app.test_client()


@pytest.fixture
def fairdun(tmp_path: Any, database_url: str) -> Any:
    """``fairdun …`` on the installation of the test's apps (its own clock: the real one)."""
    env = {"FAIRDUN_INSTANCE_PATH": str(tmp_path / "instance"), "FAIRDUN_DATABASE_URL": database_url,
           "FAIRDUN_LOG_LEVEL": "WARNING"}
    runner = CliRunner()
    return lambda *args, stdin=None: runner.invoke(main, list(args), env=env, input=stdin, catch_exceptions=False)


def test_user_disable_and_password_on_the_command_line_end_the_accounts_sessions(make_app: Any,
                                                                                 fairdun: Any) -> None:
    app, client = _setup(make_app)
    runtime = app.extensions["fairdun"]
    make_staff(runtime, "rita", "reviewer")
    make_staff(runtime, "sam", "reviewer")
    assert staff_sign_in(client, "rita").status_code == 303
    reset = fairdun("user", "password", "--name", "rita", stdin=NEW_PASSWORD + "\n")
    assert reset.exit_code == 0 and "sessions have ended" in reset.output and NEW_PASSWORD not in reset.output
    assert client.get("/console/home").status_code == 303
    assert staff_sign_in(client, "rita", NEW_PASSWORD).status_code == 303
    assert entries(runtime, "staff_password_changed")[-1]["body"]["by"] == "reset"
    assert fairdun("user", "password", "--name", "rita", stdin="short\n").exit_code == 2
    assert client.get("/console/home").status_code == 200             # a refused reset ends nothing
    assert fairdun("user", "disable", "--name", "rita").exit_code == 0
    assert client.get("/console/home").status_code == 303
    assert fairdun("user", "disable", "--name", "rita").exit_code == 2      # disabled already
    assert fairdun("user", "disable", "--name", "nobody").exit_code == 2
    assert fairdun("user", "password", "--name", "rita", stdin=NEW_PASSWORD + "\n").exit_code == 2
