"""Property: no input to the webhook endpoints or the feed yields a 500, and a refused one writes
nothing (hypothesis over bodies and query strings)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from service.webhooks.tables import WebhookEndpointRow

json_scalars = st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70) | \
    st.floats(allow_nan=False) | st.text(max_size=30)
json_values = st.recursive(json_scalars, lambda inner: st.lists(inner, max_size=4) |
                           st.dictionaries(st.text(max_size=12), inner, max_size=4), max_leaves=12)
urls = st.text(max_size=60) | st.builds(lambda scheme, host, rest: f"{scheme}://{host}{rest}",
                                        st.sampled_from(["http", "https", "HTTPS", "ftp", ""]),
                                        st.text(max_size=20) | st.sampled_from(
                                            ["127.0.0.1", "[::1]", "10.0.0.1", "hooks.example.com", "[::1", "a:b@c"]),
                                        st.text(max_size=20))
events = json_values | st.lists(st.sampled_from(["decision.held", "decision.reviewed", "x", ""]), max_size=4)
ALLOWED = {200, 201, 202, 400, 404, 409, 415, 422}
SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _check(response: Any) -> None:
    assert response.status_code in ALLOWED, (response.status_code, response.get_data(as_text=True)[:500])
    if response.status_code >= 400:
        error = response.json["error"]
        assert error["status"] == response.status_code and error["code"] and error["message"]


def _endpoints(app: Any) -> int:
    with app.extensions["fairdun"].db.reading() as session:
        return int(session.scalar(select(func.count()).select_from(WebhookEndpointRow)) or 0)


@SETTINGS
@given(body=json_values | st.fixed_dictionaries({"url": urls, "events": events}))
def test_no_endpoint_registration_yields_a_500(app: Any, client: Any, auth: Any, body: Any) -> None:
    before = _endpoints(app)
    response = client.post("/v1/webhook-endpoints", json=body, headers=auth("admin"))
    _check(response)
    assert _endpoints(app) == before + (response.status_code == 201)


@SETTINGS
@given(body=json_values, action=st.sampled_from(["rotate-secret", "enable"]))
def test_no_rotation_or_enabling_body_yields_a_500(client: Any, auth: Any, body: Any, action: str) -> None:
    listed = client.get("/v1/webhook-endpoints", headers=auth("admin")).json["endpoints"]
    endpoint = listed[0] if listed else client.post("/v1/webhook-endpoints", headers=auth("admin"), json={
        "url": "https://hooks.example.com/", "events": ["decision.held"]}).json
    _check(client.post(f"/v1/webhook-endpoints/{endpoint['endpoint_id']}/{action}", json=body, headers=auth("admin")))


@SETTINGS
@given(name=st.sampled_from(["after", "limit", "cursor", "status", "x"]), value=st.text(max_size=20))
def test_no_feed_or_delivery_log_query_yields_a_500(client: Any, auth: Any, name: str, value: str) -> None:
    query = f"?{quote(name)}={quote(value)}"
    _check(client.get(f"/v1/feed{query}", headers=auth("ar_system")))
    _check(client.get(f"/v1/webhook-endpoints/00000000-0000-4000-8000-000000000001/deliveries{query}",
                      headers=auth("admin")))
