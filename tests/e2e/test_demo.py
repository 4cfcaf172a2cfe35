"""``fairdun demo``'s seeding (SQLite and PostgreSQL): what it prints works — the demo API
keys, the staff accounts on the console and the debtor's sign-in on the portal — and a second
demo on the same instance finds everything again instead of deciding twice."""

from __future__ import annotations

from typing import Any

from web_support import csrf_token

from service.demo import seed_demo


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
