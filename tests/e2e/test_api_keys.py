"""API keys end to end (SQLite and PostgreSQL): the admin API and ``fairdun api-key`` list,
create, rotate and revoke keys; authentication records the last use once a minute, answers
401 with RFC 6750's challenge, reads the scheme case-insensitively, and answers 503 on every
/v1 route when the database is lost; the demo revokes the keys of earlier demos."""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from openapi_check import assert_matches
from sqlalchemy import event, text

from service.auth import ROLES_ATTRIBUTE
from service.cli import main

KEYS = "/v1/api-keys"
REALM = 'Bearer realm="fairdun"'
INVALID_TOKEN = 'Bearer realm="fairdun", error="invalid_token"'


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def authenticates(client: Any, secret: str) -> bool:
    """Whether the key is accepted: 200 (admin) or 403 (another role) from the admin API
    means it authenticated; 401 means it was refused."""
    status = client.get(KEYS, headers=bearer(secret)).status_code
    assert status in (200, 401, 403), status
    return status != 401


def listed(client: Any, auth: Any) -> dict[str, dict[str, Any]]:
    response = client.get(KEYS, headers=auth("admin"))
    assert response.status_code == 200
    return {key["key_id"]: key for key in response.json["keys"]}


def create(client: Any, auth: Any, name: str, role: str) -> dict[str, Any]:
    response = client.post(KEYS, json={"name": name, "role": role}, headers=auth("admin"))
    assert response.status_code == 201, response.json
    return response.json


def test_an_admin_creates_lists_and_revokes_keys_and_sees_their_last_use(app: Any, client: Any, auth: Any,
                                                                       clock: Any) -> None:
    spec = client.get("/v1/openapi.json").json
    before = listed(client, auth)
    assert {k["name"] for k in before.values()} == {"test ar_system", "test reviewer", "test compliance_officer",
                                                    "test auditor", "test admin"}

    response = client.post(KEYS, json={"name": "ERP production", "role": "ar_system"}, headers=auth("admin"))
    assert response.status_code == 201
    assert response.headers["Cache-Control"] == "no-store"
    created = response.json
    assert_matches(spec, "ApiKeyCreated", created)
    assert response.headers["Location"] == f"{KEYS}/{created['key_id']}"
    assert created["secret"].startswith(f"fd_{created['prefix']}_")
    assert created["status"] == "active" and created["last_used_at"] is None and created["revoked_at"] is None
    assert created["created_at"] == "2026-11-22T09:30:00Z"

    # the secret is shown once: neither the list nor the key's own page carries it
    one = client.get(response.headers["Location"], headers=auth("admin"))
    assert one.status_code == 200 and "secret" not in one.json
    assert_matches(spec, "ApiKey", one.json)
    everything = client.get(KEYS, headers=auth("admin"))
    assert_matches(spec, "ApiKeyList", everything.json)
    assert created["secret"] not in everything.get_data(as_text=True)
    with app.extensions["fairdun"].db.reading() as session:
        stored = " ".join(str(v) for row in session.execute(text("SELECT * FROM api_keys")) for v in row)
    assert created["secret"] not in stored

    # last use: the minute of the last accepted request
    clock.advance(seconds=45)
    assert client.post("/v1/decisions", json={}, headers=bearer(created["secret"])).status_code == 422
    assert listed(client, auth)[created["key_id"]]["last_used_at"] == "2026-11-22T09:30:00Z"
    clock.advance(minutes=3)
    assert authenticates(client, created["secret"])
    assert listed(client, auth)[created["key_id"]]["last_used_at"] == "2026-11-22T09:33:00Z"

    revoked = client.post(f"{KEYS}/{created['key_id']}/revoke", headers=auth("admin"))
    assert revoked.status_code == 200
    assert revoked.json["status"] == "revoked" and revoked.json["revoked_at"] == "2026-11-22T09:33:45Z"
    refused = client.post("/v1/decisions", json={}, headers=bearer(created["secret"]))
    assert refused.status_code == 401 and refused.json["error"]["code"] == "unauthenticated"
    assert refused.headers["WWW-Authenticate"] == INVALID_TOKEN

    # revoked keys stay listed (the audit trail); revoking again changes nothing
    clock.advance(minutes=1)
    assert listed(client, auth)[created["key_id"]]["status"] == "revoked"
    again = client.post(f"{KEYS}/{created['key_id']}/revoke", json={}, headers=auth("admin"))
    assert again.status_code == 200 and again.json["revoked_at"] == "2026-11-22T09:33:45Z"
    assert len(listed(client, auth)) == len(before) + 1


def test_last_use_is_written_at_most_once_a_minute(app: Any, client: Any, api_keys: Any, clock: Any) -> None:
    updates: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.lstrip().upper().startswith("UPDATE API_KEYS"):
            updates.append(statement)

    engine = app.extensions["fairdun"].db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        for _ in range(5):
            assert authenticates(client, api_keys["auditor"])
            clock.advance(seconds=10)
        assert len(updates) == 1                 # 09:30:00 … 09:30:40: one minute, one write
        clock.advance(seconds=30)                # 09:31:20
        assert authenticates(client, api_keys["auditor"])
        assert authenticates(client, api_keys["auditor"])
        assert len(updates) == 2
    finally:
        event.remove(engine, "before_cursor_execute", count)


def test_rotation_issues_a_new_key_and_the_old_one_ends_after_its_grace_period(client: Any, auth: Any,
                                                                               clock: Any) -> None:
    spec = client.get("/v1/openapi.json").json
    old = create(client, auth, "ERP", "ar_system")
    response = client.post(f"{KEYS}/{old['key_id']}/rotate", json={"grace_minutes": 30}, headers=auth("admin"))
    assert response.status_code == 201 and response.headers["Cache-Control"] == "no-store"
    new = response.json
    assert_matches(spec, "ApiKeyRotated", new)
    assert (new["name"], new["role"], new["status"]) == ("ERP", "ar_system", "active")
    assert new["key_id"] != old["key_id"] and new["secret"] != old["secret"]
    assert response.headers["Location"] == f"{KEYS}/{new['key_id']}"
    assert new["replaces"]["key_id"] == old["key_id"]
    assert new["replaces"]["status"] == "expiring" and new["replaces"]["revoked_at"] == "2026-11-22T10:00:00Z"

    clock.advance(minutes=29, seconds=59)
    assert authenticates(client, old["secret"]) and authenticates(client, new["secret"])
    clock.advance(seconds=1)
    assert not authenticates(client, old["secret"]) and authenticates(client, new["secret"])
    assert listed(client, auth)[old["key_id"]]["status"] == "revoked"

    # a rotated key is not rotated twice; its replacement is
    twice = client.post(f"{KEYS}/{old['key_id']}/rotate", headers=auth("admin"))
    assert twice.status_code == 409 and twice.json["error"]["code"] == "key_revoked"
    newest = client.post(f"{KEYS}/{new['key_id']}/rotate", headers=auth("admin"))
    assert newest.status_code == 201 and newest.json["replaces"]["status"] == "revoked"
    assert not authenticates(client, new["secret"]) and authenticates(client, newest.json["secret"])


def test_revoking_a_key_in_its_grace_period_ends_it_now(client: Any, auth: Any, clock: Any) -> None:
    old = create(client, auth, "ERP", "ar_system")
    client.post(f"{KEYS}/{old['key_id']}/rotate", json={"grace_minutes": 60}, headers=auth("admin"))
    clock.advance(minutes=5)
    assert authenticates(client, old["secret"])
    revoked = client.post(f"{KEYS}/{old['key_id']}/revoke", headers=auth("admin"))
    assert revoked.status_code == 200 and revoked.json["revoked_at"] == "2026-11-22T09:35:00Z"
    assert not authenticates(client, old["secret"])


def test_the_admin_api_refuses_bad_input(client: Any, auth: Any) -> None:
    key = create(client, auth, "ERP", "ar_system")
    cases = [
        (KEYS, {"name": "ERP", "role": "overlord"}, "role"),
        (KEYS, {"name": "", "role": "admin"}, "name"),
        (KEYS, {"name": "a\nb", "role": "admin"}, "name"),
        (KEYS, {"name": "x" * 101, "role": "admin"}, "name"),
        (KEYS, {"role": "admin"}, "name"),
        (f"{KEYS}/{key['key_id']}/rotate", {"grace_minutes": -1}, "grace_minutes"),
        (f"{KEYS}/{key['key_id']}/rotate", {"grace_minutes": 7 * 24 * 60 + 1}, "grace_minutes"),
        (f"{KEYS}/{key['key_id']}/rotate", {"grace_minutes": "30"}, "grace_minutes"),
        (f"{KEYS}/{key['key_id']}/revoke", {"force": "yes"}, "force"),
    ]
    for url, body, field in cases:
        response = client.post(url, json=body, headers=auth("admin"))
        assert response.status_code == 422, (body, response.json)
        assert field in response.json["error"]["fields"], (body, response.json)
    assert client.post(KEYS, data="name=x", headers=auth("admin")).status_code == 415
    unknown = str(uuid.uuid4())
    for url in (f"{KEYS}/{unknown}", f"{KEYS}/{unknown}/revoke", f"{KEYS}/{unknown}/rotate", f"{KEYS}/not-a-uuid"):
        response = client.post(url, headers=auth("admin")) if url.endswith(("revoke", "rotate")) \
            else client.get(url, headers=auth("admin"))
        assert response.status_code == 404, url
    assert client.post(f"{KEYS}/{unknown}/revoke", headers=auth("admin")).json["error"]["code"] == "unknown_api_key"
    assert listed(client, auth)[key["key_id"]]["status"] == "active"   # nothing above changed it


def test_the_admin_api_is_for_admins_only(app: Any, client: Any, auth: Any) -> None:
    key = create(client, auth, "ERP", "ar_system")
    routes = [rule for rule in app.url_map.iter_rules() if rule.endpoint.startswith("api_keys.")]
    assert {r.rule for r in routes} == {KEYS, f"{KEYS}/<uuid:key_id>", f"{KEYS}/<uuid:key_id>/revoke",
                                        f"{KEYS}/<uuid:key_id>/rotate"}
    for rule in routes:
        assert getattr(app.view_functions[rule.endpoint], ROLES_ATTRIBUTE) == ("admin",)
        url = rule.rule.replace("<uuid:key_id>", key["key_id"])
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            for role in ("ar_system", "reviewer", "compliance_officer", "auditor"):
                refused = client.open(url, method=method, json={"name": "x", "role": "admin"}, headers=auth(role))
                assert refused.status_code == 403, (method, url, role)
                assert refused.json["error"]["code"] == "forbidden"
                assert refused.headers["WWW-Authenticate"] == 'Bearer realm="fairdun", error="insufficient_scope"'
            anonymous = client.open(url, method=method)
            assert anonymous.status_code == 401 and anonymous.headers["WWW-Authenticate"] == REALM
    assert listed(client, auth)[key["key_id"]]["status"] == "active"
    paths = client.get("/v1/openapi.json").json["paths"]
    assert paths[f"{KEYS}/{{key_id}}/rotate"]["post"]["x-roles"] == ["admin"]
    assert set(paths[KEYS]) == {"get", "post"}


def test_the_last_active_admin_key_is_revoked_only_when_forced(client: Any, auth: Any, api_keys: Any) -> None:
    admin_id = next(k for k in listed(client, auth).values() if k["role"] == "admin")["key_id"]
    refused = client.post(f"{KEYS}/{admin_id}/revoke", headers=auth("admin"))
    assert refused.status_code == 409 and refused.json["error"]["code"] == "last_admin_key"
    assert authenticates(client, api_keys["admin"])

    # with a second admin key, the first one goes without force
    second = create(client, auth, "second admin", "admin")
    assert client.post(f"{KEYS}/{admin_id}/revoke", headers=auth("admin")).status_code == 200
    assert not authenticates(client, api_keys["admin"])
    # the last one only when forced: then no admin key is left
    refused = client.post(f"{KEYS}/{second['key_id']}/revoke", headers=bearer(second["secret"]))
    assert refused.status_code == 409
    forced = client.post(f"{KEYS}/{second['key_id']}/revoke", json={"force": True}, headers=bearer(second["secret"]))
    assert forced.status_code == 200 and forced.json["status"] == "revoked"
    assert client.get(KEYS, headers=bearer(second["secret"])).status_code == 401


def test_a_key_in_its_grace_period_does_not_count_as_the_remaining_admin_key(client: Any, auth: Any) -> None:
    admin_id = next(k for k in listed(client, auth).values() if k["role"] == "admin")["key_id"]
    rotated = client.post(f"{KEYS}/{admin_id}/rotate", json={"grace_minutes": 10}, headers=auth("admin"))
    assert rotated.status_code == 201
    refused = client.post(f"{KEYS}/{rotated.json['key_id']}/revoke", headers=auth("admin"))
    assert refused.status_code == 409 and refused.json["error"]["code"] == "last_admin_key"


@pytest.mark.parametrize("scheme", ["Bearer", "bearer", "BEARER", "bEaReR"])
@pytest.mark.parametrize("gap", [" ", "   ", "\t"])
def test_the_bearer_scheme_is_case_insensitive_and_spaces_are_tolerated(client: Any, api_keys: Any,
                                                                         scheme: str, gap: str) -> None:
    response = client.get(KEYS, headers={"Authorization": f"{scheme}{gap}{api_keys['admin']} "})
    assert response.status_code == 200


@pytest.mark.parametrize(("header", "challenge"), [
    (None, REALM),
    ("", REALM),
    ("Bearer", REALM),
    ("Bearer   ", REALM),
    ("Basic dXNlcjpwYXNz", REALM),
    ("Bearerfd_abc_def", REALM),
    ("Bearer fd_abc_def", INVALID_TOKEN),
    ("Bearer fd_abc", INVALID_TOKEN),
    ("Bearer not-a-key", INVALID_TOKEN),
    ("Bearer fd_abc_def ghi", INVALID_TOKEN),
    ("Bearer fd_0123456789abcdef0123_def", INVALID_TOKEN),
])
def test_a_401_carries_the_bearer_challenge(client: Any, header: str | None, challenge: str) -> None:
    response = client.get(KEYS, headers={"Authorization": header} if header is not None else {})
    assert response.status_code == 401 and response.json["error"]["code"] == "unauthenticated"
    assert response.headers["WWW-Authenticate"] == challenge


def test_a_wrong_secret_with_a_known_prefix_is_refused(client: Any, api_keys: Any) -> None:
    secret = api_keys["admin"]
    forged = secret[:-4] + ("AAAA" if not secret.endswith("AAAA") else "BBBB")
    response = client.get(KEYS, headers=bearer(forged))
    assert response.status_code == 401 and response.headers["WWW-Authenticate"] == INVALID_TOKEN


def _placeholder_url(rule: str) -> str:
    """The rule with a value for each path parameter (a uuid where it takes one)."""
    def value(match: re.Match[str]) -> str:
        return {"uuid": str(uuid.uuid4()), "int": "1"}.get(match.group(1) or "", "x")

    return re.sub(r"<(?:(\w+):)?(\w+)>", value, rule)


def test_every_v1_route_answers_503_when_the_database_is_lost(app: Any, client: Any, api_keys: Any) -> None:
    assert authenticates(client, api_keys["admin"])          # working, then the database goes
    runtime = app.extensions["fairdun"]
    with runtime.db.engine.connect() as connection:
        connection.execute(text("DROP TABLE api_keys"))
        connection.commit()
    checked = 0
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/v1") or not getattr(app.view_functions[rule.endpoint], ROLES_ATTRIBUTE, ()):
            continue
        url = _placeholder_url(rule.rule)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            response = client.open(url, method=method, json={}, headers=bearer(api_keys["ar_system"]))
            assert response.status_code == 503, (method, rule.rule, response.status_code)
            assert response.json["error"]["code"] == "storage_unavailable"
            assert response.headers["Retry-After"]
            checked += 1
    assert checked >= 30
    # without a key there is nothing to look up: still 401, not 503
    assert client.get(KEYS).status_code == 401


# --- the command line ----------------------------------------------------------------------------

@pytest.fixture
def fairdun(tmp_path: Path, database_url: str) -> Any:
    env = {"FAIRDUN_INSTANCE_PATH": str(tmp_path / "instance"), "FAIRDUN_DATABASE_URL": database_url,
           "FAIRDUN_LOG_LEVEL": "WARNING"}
    runner = CliRunner()

    def invoke(*args: str) -> Any:
        return runner.invoke(main, list(args), env=env, catch_exceptions=False)

    return invoke


@pytest.fixture
def served(tmp_path: Path, database_url: str) -> Any:
    """A client of the installation the CLI manages (its own clock: the real one)."""
    from service.app import close_app, create_app

    app = create_app({"INSTANCE_PATH": str(tmp_path / "instance"), "DATABASE_URL": database_url, "TESTING": True})
    yield app.test_client()
    close_app(app)


def _secret(result: Any) -> str:
    assert result.exit_code == 0, result.output
    secret = result.stdout.rstrip("\n").splitlines()[-1]
    assert secret.startswith("fd_") and " " not in secret
    return secret


def test_the_cli_lists_rotates_and_revokes_keys(fairdun: Any, served: Any) -> None:
    admin = _secret(fairdun("api-key", "create", "--name", "ops", "--role", "admin"))
    erp = _secret(fairdun("api-key", "create", "--name", "ERP", "--role", "ar_system"))
    assert authenticates(served, admin) and authenticates(served, erp)

    keys = {k["name"]: k for k in json.loads(fairdun("api-key", "list", "--json").stdout)["keys"]}
    assert set(keys) == {"ops", "ERP"}
    assert keys["ERP"]["status"] == "active" and keys["ERP"]["last_used_at"] is not None   # used above
    table = fairdun("api-key", "list")
    assert table.exit_code == 0 and keys["ERP"]["key_id"] in table.stdout and "ar_system" in table.stdout
    assert erp not in table.stdout and admin not in table.stdout

    # rotation with a grace period: both secrets work until it ends
    rotated = fairdun("api-key", "rotate", keys["ERP"]["key_id"], "--grace-minutes", "60")
    new_erp = _secret(rotated)
    assert authenticates(served, erp) and authenticates(served, new_erp)
    after = {k["key_id"]: k for k in json.loads(fairdun("api-key", "list", "--json").stdout)["keys"]}
    assert after[keys["ERP"]["key_id"]]["status"] == "expiring" and len(after) == 3
    # revoking ends the grace period now
    revoked = fairdun("api-key", "revoke", keys["ERP"]["key_id"])
    assert revoked.exit_code == 0 and "revoked API key 'ERP'" in revoked.stdout
    assert not authenticates(served, erp) and authenticates(served, new_erp)
    # rotation without grace
    newest = _secret(fairdun("api-key", "rotate", keys["ops"]["key_id"]))
    assert not authenticates(served, admin) and authenticates(served, newest)

    # refusals: exit 2 with the reason on standard error
    newest_id = next(k["key_id"] for k in json.loads(fairdun("api-key", "list", "--json").stdout)["keys"]
                     if k["name"] == "ops" and k["status"] == "active")
    last = fairdun("api-key", "revoke", newest_id)
    assert last.exit_code == 2 and "last_admin_key" in last.stderr
    assert authenticates(served, newest)
    again = fairdun("api-key", "rotate", keys["ERP"]["key_id"])
    assert again.exit_code == 2 and "key_revoked" in again.stderr
    unknown = fairdun("api-key", "revoke", str(uuid.uuid4()))
    assert unknown.exit_code == 2 and "unknown_api_key" in unknown.stderr
    assert fairdun("api-key", "rotate", newest_id, "--grace-minutes", "100000").exit_code == 2
    forced = fairdun("api-key", "revoke", newest_id, "--force")
    assert forced.exit_code == 0 and not authenticates(served, newest)


# --- the demo ------------------------------------------------------------------------------------

def test_the_demo_revokes_the_keys_of_earlier_demos(make_app: Any) -> None:
    from service.auth import Role, create_api_key
    from service.demo import seed_demo

    app = make_app(WEB_COOKIE_SECURE=False)
    runtime = app.extensions["fairdun"]
    own = create_api_key(runtime.db, name="ERP", role=Role.AR_SYSTEM, now=runtime.clock(), new_id=runtime.new_id)
    client = app.test_client()
    first = seed_demo(app, invoices=2, port=8123, echo=lambda line: None)
    assert first["revoked_keys"] == []
    printed: list[str] = []
    second = seed_demo(app, invoices=2, port=8123, echo=printed.append)
    assert len(second["revoked_keys"]) == 5
    assert "revoked 5 demo API keys of earlier demos" in "\n".join(printed)
    for role, secret in first["keys"].items():
        assert not authenticates(client, secret), role
    for role, secret in second["keys"].items():
        assert authenticates(client, secret), role
    assert authenticates(client, own)                        # a key the demo did not make stays
    keys = client.get(KEYS, headers=bearer(second["keys"]["admin"])).json["keys"]
    assert len(keys) == 11 and sum(k["status"] == "revoked" for k in keys) == 5
    assert {k["key_id"] for k in keys if k["status"] == "revoked"} == set(second["revoked_keys"])
