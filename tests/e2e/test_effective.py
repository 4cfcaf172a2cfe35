"""``effective`` on GET /v1/decisions/{id}: what the AR system is to do now, after the latest human
review; the decision as recorded never changes. The response (with its ``review``) matches the
OpenAPI document."""

from __future__ import annotations

from typing import Any

import pytest
from fakes import request_with
from openapi_check import assert_matches
from rights_support import HANDOVER


def _needs_review(client: Any, auth: Any) -> tuple[dict[str, Any], str]:
    decision = client.post("/v1/decisions", json=request_with(**HANDOVER), headers=auth("ar_system")).json
    assert decision["status"] == "needs_review"
    [case] = client.get("/v1/reviews?status=open", headers=auth("reviewer")).json["reviews"]
    return decision, case["case_id"]


def _outcome(client: Any, auth: Any, case_id: str, **body: Any) -> dict[str, Any]:
    response = client.post(f"/v1/reviews/{case_id}/outcome", headers=auth("reviewer"),
                           json={"rationale": "looked at the file", "explanation_opened": True, **body})
    assert response.status_code == 200, response.json
    return dict(response.json)


def _get(client: Any, auth: Any, decision_id: str) -> dict[str, Any]:
    got = client.get(f"/v1/decisions/{decision_id}", headers=auth("ar_system"))
    assert got.status_code == 200
    assert_matches(client.get("/v1/openapi.json").json, "DecisionResponse", got.json)
    return dict(got.json)


def test_an_open_review_changes_nothing_yet(client: Any, auth: Any) -> None:
    decision, _ = _needs_review(client, auth)
    got = _get(client, auth, decision["decision_id"])
    assert got["effective"] == {"status": "needs_review", "action": decision["action"], "because": None}
    assert got["review"]["status"] == "open"


@pytest.mark.parametrize("outcome", ["overturn", "uphold"])
def test_after_an_outcome_effective_follows_it_and_the_decision_stays_as_recorded(client: Any, auth: Any,
                                                                                   outcome: str) -> None:
    decision, case_id = _needs_review(client, auth)
    closed = _outcome(client, auth, case_id, outcome=outcome)
    got = _get(client, auth, decision["decision_id"])
    assert (got["status"], got["action"]) == (decision["status"], decision["action"])   # never edited
    expected = {"overturn": ("set_aside", None), "uphold": ("decided", decision["action"])}[outcome]
    assert (got["effective"]["status"], got["effective"]["action"]) == expected
    assert got["effective"]["because"] == {"case_id": case_id, "outcome": outcome,
                                           "outcome_seq": closed["outcome_seq"], "closed_at": closed["closed_at"]}
    assert got["review"]["outcome"] == outcome


def test_after_a_modify_the_reviewers_action_is_the_one_to_carry_out(client: Any, auth: Any) -> None:
    decision, case_id = _needs_review(client, auth)
    _outcome(client, auth, case_id, outcome="modify",
             action={"kind": "final_notice", "level": 3, "channel": "letter", "tone": "neutral"})
    got = _get(client, auth, decision["decision_id"])
    assert got["effective"]["status"] == "decided" and got["effective"]["because"]["outcome"] == "modify"
    assert got["effective"]["action"] == got["review"]["action"]
    assert got["effective"]["action"]["kind"] == "final_notice" and got["effective"]["action"]["fees"] == []
    assert got["action"]["kind"] == "collection_handover"


def test_the_openapi_document_describes_review_and_effective(client: Any) -> None:
    schemas = client.get("/v1/openapi.json").json["components"]["schemas"]
    response = schemas["DecisionResponse"]["properties"]
    assert response["review"]["anyOf"] == [{"$ref": "#/components/schemas/DecisionReview"}, {"type": "null"}]
    assert response["effective"]["$ref"] == "#/components/schemas/Effective"
    assert schemas["Effective"]["properties"]["status"]["enum"] == ["decided", "needs_review", "held", "set_aside"]
    assert set(schemas["DecisionReview"]["properties"]) >= {"case_id", "status", "outcome", "action", "escalation"}
