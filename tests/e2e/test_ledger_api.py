"""The auditors' ledger endpoints end to end: roles, signed checkpoints, entries, and
proofs checked by an independent RFC 9162 implementation (tests/rfc9162_reference.py)."""

from __future__ import annotations

import json
from typing import Any

import pytest
import rfc9162_reference as reference
from fakes import request_with
from openapi_check import assert_matches

URLS = ("/v1/ledger/checkpoint", "/v1/ledger/public-key", "/v1/ledger/entries",
        "/v1/ledger/proofs/inclusion?seq=0", "/v1/ledger/proofs/consistency?from_size=1")
AUDIT_ROLES = ("auditor", "compliance_officer", "admin")


def _decide(client: Any, auth: Any, invoices: int, *, first: int = 0) -> list[dict[str, Any]]:
    decisions = []
    for i in range(first, first + invoices):   # one claim each (the same claim again is a replay: 200)
        response = client.post("/v1/decisions", json=request_with(**{"invoice.ref": f"INV-{i}"}),
                               headers=auth("ar_system"))
        assert response.status_code == 201
        decisions.append(response.json)
    return decisions


def _key(client: Any, auth: Any) -> str:
    keys = client.get("/v1/ledger/public-key", headers=auth("auditor"))
    assert keys.mimetype == "text/plain"
    (key,) = keys.get_data(as_text=True).splitlines()
    return key


def _hashes(values: list[str]) -> list[bytes]:
    return [bytes.fromhex(v) for v in values]


def test_the_ledger_endpoints_are_for_audit_roles_only(client: Any, auth: Any) -> None:
    _decide(client, auth, 2)
    for url in URLS:
        assert client.get(url).status_code == 401
        for role in ("ar_system", "reviewer"):
            refused = client.get(url, headers=auth(role))
            assert refused.status_code == 403 and refused.json["error"]["code"] == "forbidden"
        for role in AUDIT_ROLES:
            assert client.get(url, headers=auth(role)).status_code == 200, url


def test_the_checkpoint_is_a_signed_note_over_the_entries(client: Any, auth: Any) -> None:
    _decide(client, auth, 3)
    note = client.get("/v1/ledger/checkpoint", headers=auth("auditor"))
    assert note.mimetype == "text/plain"
    origin, size, root = reference.open_checkpoint(note.get_data(as_text=True), _key(client, auth))
    entries = client.get("/v1/ledger/entries", headers=auth("auditor")).json
    leaves = [reference.leaf(e["entry"].encode()) for e in entries["entries"]]
    assert (origin, size, entries["tree_size"]) == ("fairdun/ledger", 3, 3)
    assert root == reference.mth(leaves)
    as_json = client.get("/v1/ledger/checkpoint", headers={**auth("auditor"), "Accept": "application/json"}).json
    assert as_json["note"] == note.get_data(as_text=True) and as_json["tree_size"] == 3
    spec = client.get("/v1/openapi.json").json
    assert_matches(spec, "Checkpoint", as_json)
    assert_matches(spec, "LedgerEntries", entries)


def test_every_decision_is_proven_against_the_latest_checkpoint(client: Any, auth: Any) -> None:
    decisions = _decide(client, auth, 5)
    key = _key(client, auth)
    spec = client.get("/v1/openapi.json").json
    # newest first: the latest checkpoint (size 1, signed after the first decision) does not
    # cover it, so one is signed on demand; the older decisions are proven against that one
    for decision in reversed(decisions):
        proof = client.get(f"/v1/decisions/{decision['decision_id']}/proof", headers=auth("compliance_officer")).json
        assert_matches(spec, "DecisionProof", proof)
        # (1) the entry is the decision's: its hash is the one the decision response carried
        leaf = reference.leaf(proof["entry"].encode())
        assert leaf.hex() == decision["ledger"]["entry_hash"] == proof["leaf_hash"]
        assert json.loads(proof["entry"])["body"]["decision_id"] == decision["decision_id"]
        assert proof["seq"] == proof["leaf_index"] == decision["ledger"]["seq"]
        # (2) the checkpoint is signed by the ledger's key; (3) the path leads to its root
        _, size, root = reference.open_checkpoint(proof["checkpoint"], key)
        assert size == proof["tree_size"] == 5
        assert reference.root_from_path(proof["leaf_index"], size, leaf, _hashes(proof["hashes"])) == root
    missing = client.get("/v1/decisions/00000000-0000-0000-0000-00000000ffff/proof", headers=auth("auditor"))
    assert missing.status_code == 404


def test_inclusion_and_consistency_proofs_between_checkpoints(client: Any, auth: Any) -> None:
    _decide(client, auth, 3)
    key = _key(client, auth)
    first = client.get("/v1/ledger/checkpoint", headers=auth("auditor")).get_data(as_text=True)
    _decide(client, auth, 4, first=3)
    second = client.get("/v1/ledger/checkpoint", headers=auth("auditor")).get_data(as_text=True)
    _, old_size, old_root = reference.open_checkpoint(first, key)
    _, new_size, new_root = reference.open_checkpoint(second, key)
    assert (old_size, new_size) == (3, 7)
    consistency = client.get(f"/v1/ledger/proofs/consistency?from_size={old_size}", headers=auth("auditor")).json
    assert consistency["to_size"] == new_size
    assert reference.roots_from_consistency(old_size, new_size, old_root,
                                            _hashes(consistency["hashes"])) == (old_root, new_root)
    entries = client.get("/v1/ledger/entries?from=0&to=7", headers=auth("auditor")).json["entries"]
    for entry in entries:
        inclusion = client.get(f"/v1/ledger/proofs/inclusion?seq={entry['seq']}&tree_size={old_size}",
                               headers=auth("auditor"))
        if entry["seq"] >= old_size:
            assert inclusion.status_code == 422 and "seq" in inclusion.json["error"]["fields"]
            continue
        leaf = reference.leaf(entry["entry"].encode())
        assert reference.root_from_path(entry["seq"], old_size, leaf, _hashes(inclusion.json["hashes"])) == old_root
    spec = client.get("/v1/openapi.json").json
    assert_matches(spec, "ConsistencyProof", consistency)
    assert_matches(spec, "InclusionProof", client.get("/v1/ledger/proofs/inclusion?seq=6",
                                                      headers=auth("auditor")).json)


@pytest.mark.parametrize(("query", "field"), [
    ("/v1/ledger/entries?from=5&to=2", "to"), ("/v1/ledger/entries?from=0&to=1001", "to"),
    ("/v1/ledger/entries?from=abc", "from"), ("/v1/ledger/entries?since=1", "since"),
    ("/v1/ledger/proofs/inclusion", "seq"), ("/v1/ledger/proofs/inclusion?seq=-1", "seq"),
    ("/v1/ledger/proofs/inclusion?seq=0&tree_size=99", "tree_size"),
    ("/v1/ledger/proofs/consistency?from_size=2&to_size=99", "to_size"),
    ("/v1/ledger/proofs/consistency?from_size=3&to_size=2", "from_size"),
])
def test_bad_ranges_are_refused_naming_the_field(client: Any, auth: Any, query: str, field: str) -> None:
    _decide(client, auth, 2)
    response = client.get(query, headers=auth("auditor"))
    assert response.status_code == 422 and field in response.json["error"]["fields"]


def test_a_page_of_entries_is_in_wire_format(client: Any, auth: Any) -> None:
    _decide(client, auth, 4)
    page = client.get("/v1/ledger/entries?from=1&to=3", headers=auth("auditor")).json
    assert [e["seq"] for e in page["entries"]] == [1, 2] and page["tree_size"] == 4
    for entry in page["entries"]:
        assert set(entry) == {"seq", "entry", "leaf_hash"}
        assert reference.leaf(entry["entry"].encode()).hex() == entry["leaf_hash"]
        assert json.loads(entry["entry"])["seq"] == entry["seq"]


def test_the_openapi_document_covers_the_ledger_endpoints(client: Any) -> None:
    spec = client.get("/v1/openapi.json").json
    for path, component in (("/v1/ledger/checkpoint", "Checkpoint"), ("/v1/ledger/public-key", "PublicKeys"),
                            ("/v1/ledger/entries", "LedgerEntries"), ("/v1/ledger/proofs/inclusion", "InclusionProof"),
                            ("/v1/ledger/proofs/consistency", "ConsistencyProof"),
                            ("/v1/decisions/{decision_id}/proof", "DecisionProof")):
        operation = spec["paths"][path]["get"]
        assert sorted(operation["x-roles"]) == sorted(AUDIT_ROLES)
        schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
        assert schema["$ref"].endswith(f"/{component}")


def test_the_public_keys_follow_a_rotation(app: Any, client: Any, auth: Any) -> None:
    from service.api_ledger import checkpoint_signer, notary

    _decide(client, auth, 1)
    first = _key(client, auth)
    # Keys are listed in the order they first signed: let the first decision's checkpoint,
    # signed in the background with the first key, land before the rotation signs with the new one.
    assert checkpoint_signer(app).wait(timeout=60)
    rotated = notary(app).rotate_key()
    keys = client.get("/v1/ledger/public-key", headers={**auth("admin"), "Accept": "application/json"}).json["keys"]
    assert keys == [first, rotated.signer]
    note = client.get("/v1/ledger/checkpoint", headers=auth("auditor")).get_data(as_text=True)
    _, size, root = reference.open_checkpoint(note, rotated.signer)       # signed by the new key
    (entry,) = client.get("/v1/ledger/entries", headers=auth("auditor")).json["entries"]
    assert size == 1 and root == reference.leaf(entry["entry"].encode())


def test_the_request_that_makes_a_checkpoint_due_does_not_sign_it(app: Any, client: Any, auth: Any,
                                                                   caplog: pytest.LogCaptureFixture) -> None:
    from service.api_ledger import checkpoint_signer

    caplog.set_level("INFO", logger="ledger.checkpoints")
    _decide(client, auth, 1)              # the first entry is due a checkpoint at once
    assert checkpoint_signer(app).wait(timeout=60)
    (signed,) = [r for r in caplog.records if r.getMessage() == "signed ledger checkpoint at tree size 1"]
    assert signed.threadName == "fairdun-checkpoint"   # the signer's thread, not the request's
    note = client.get("/v1/ledger/checkpoint", headers=auth("auditor")).get_data(as_text=True)
    assert note.splitlines()[1] == "1"
