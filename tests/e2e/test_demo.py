"""``fairdun demo``'s seeding (SQLite and PostgreSQL): what it prints works — the demo API
keys, the staff accounts on the console and the debtor's sign-in on the portal — and a second
demo on the same instance finds everything again instead of deciding twice."""

from __future__ import annotations

from typing import Any

from web_support import csrf_token

from decisions import rights
from service.demo import demo_message_settings, seed_demo


def test_the_demo_prints_working_keys_staff_accounts_and_a_portal_sign_in(make_app: Any) -> None:
    app = make_app(WEB_COOKIE_SECURE=False)
    printed: list[str] = []
    seeded = seed_demo(app, invoices=4, port=8123, echo=printed.append)
    text = "\n".join(printed)
    assert seeded["summary"]["decisions"] == 4
    assert "http://127.0.0.1:8123/portal/" in text and "http://127.0.0.1:8123/console/" in text
    assert seeded["debtor"]["access_code"] in text and seeded["debtor"]["invoice_ref"] in text

    client = app.test_client()
    entries = client.get("/v1/ledger/entries", headers={"Authorization": f"Bearer {seeded['keys']['auditor']}"})
    assert entries.status_code == 200 and entries.json["entries"]
    assert set(seeded["staff"]) == {"reviewer", "compliance_officer", "admin"}
    # the shipped model, which asks for a sign-off, is signed off by name: the demo compliance officer
    [approved] = [v for v in app.extensions["fairdun"].models.versions() if v.status == "approved"]
    officer = rights.signing_staff(app.extensions["fairdun"].db, name=seeded["staff"]["compliance_officer"][0])
    assert approved.signed_off_by == f"staff:{officer.user_id}" and "signed off by" in text
    for role, (name, password) in seeded["staff"].items():
        assert f"{name:<24} {password}" in text
        staff = app.test_client()
        signed = staff.post("/console/sign-in", data={"csrf_token": csrf_token(staff, "/console/"), "name": name,
                                                      "password": password})
        assert signed.status_code == 303 and signed.headers["Location"] == "/console/home", role

    debtor = app.test_client()
    signed = debtor.post("/portal/sign-in", data={"csrf_token": csrf_token(debtor, "/portal/"),
                                                  "code": seeded["debtor"]["access_code"],
                                                  "invoice_ref": seeded["debtor"]["invoice_ref"]})
    assert signed.status_code == 303 and signed.headers["Location"] == "/portal/matters"
    assert f"Invoice {seeded['debtor']['invoice_ref']}" in debtor.get("/portal/matters").get_data(as_text=True)

    again = seed_demo(app, invoices=4, port=8123, echo=lambda line: None)
    assert again["summary"]["run_id"] == seeded["summary"]["run_id"]
    assert again["staff"] == seeded["staff"] and again["debtor"] == seeded["debtor"]


def test_the_demo_messages_have_their_text(make_app: Any) -> None:
    """``fairdun demo`` sets a demo creditor and portal address, so an AR system following the
    README's guide reads ready-to-send texts (without them: 409 message_incomplete)."""
    app = make_app(WEB_COOKIE_SECURE=False, **demo_message_settings(8123))
    seeded = seed_demo(app, invoices=12, port=8123, echo=lambda line: None)
    ar = {"Authorization": f"Bearer {seeded['keys']['ar_system']}"}
    client = app.test_client()
    items = client.get(f"/v1/runs/{seeded['summary']['run_id']}/items?limit=100", headers=ar).json["items"]
    written = [item["decision_id"] for item in items
               if (item.get("effective") or {}).get("action") and item["effective"]["action"]["channel"]
               in ("email", "sms", "letter")]
    assert written, items
    for decision_id in written:
        message = client.get(f"/v1/decisions/{decision_id}/message", headers=ar)
        assert message.status_code == 200, message.json
        assert "Muster Energie GmbH" in message.json["text"]
        assert "http://127.0.0.1:8123/portal/" in message.json["text"]
