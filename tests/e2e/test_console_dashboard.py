"""The console dashboard through the Flask test client (SQLite and PostgreSQL): on a ledger built
here with known amounts, payments, a held decision and a late overturned review, the page shows
the figures computed by hand below (and the audit report of the same days has the same ones);
a tampered ledger gets a 503 and no figure; the roles; bad periods are refused naming the field.

The ledger (all EUR; the period October to November 2026, the dashboard's time 20 November):

- 15 October: DE claims D-1, D-2, D-3 open 100, 200, 300 (due 20 September), AT claim A-1 open
  50 (due 30 November), DE claim D-H open 120 (due 1 July, after three reminders) whose next step is a hand-over (needs review; its
  case is due within three working days).
- 10 November: D-4 open 80 (DE) held (the policy engine fails); D-1 paid in full (100), D-2
  paid in part (40); D-H's review overturned (after its deadline).
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from fakes import tamper
from web_support import ar_auth, decide, ledger_size, make_staff, staff_sign_in

from decisions import rights
from reports.kpis import DUNNING_KINDS
from service.api_reports import verified_audit_figures

OCTOBER = datetime(2026, 10, 15, 9, tzinfo=UTC)
NOVEMBER = datetime(2026, 11, 10, 9, tzinfo=UTC)
NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)
PERIOD = "/console/dashboard?from=2026-10&to=2026-11"


def _claim(ref: str, open_amount: str, due_on: str, *, as_of: str, **more: Any) -> dict[str, Any]:
    return {"debtor.ref": ref, "invoice.ref": f"INV-{ref}", "invoice.amount": open_amount,
            "invoice.open_amount": open_amount, "invoice.due_on": due_on, "invoice.issued_on": "2026-06-01", "as_of": as_of,
            "history.dunning": [], "history.contacts": [], **more}


@pytest.fixture
def staffed(make_app: Any, clock: Any) -> Any:
    """An installation with a staff member of each role and no decision."""
    app = make_app(WEB_COOKIE_SECURE=False)
    for role in ("reviewer", "compliance_officer", "admin"):
        make_staff(app.extensions["fairdun"], role.replace("_", "-"), role)
    clock.now = NOW
    return app


@pytest.fixture
def ledger(staffed: Any, clock: Any) -> dict[str, Any]:
    app = staffed
    runtime = app.extensions["fairdun"]
    api, auth = app.test_client(), ar_auth(app)
    clock.now = OCTOBER
    october = "2026-10-15T09:00:00Z"
    decided = [decide(api, auth, **_claim(ref, amount, "2026-09-20", as_of=october))
               for ref, amount in (("D-1", "100.00"), ("D-2", "200.00"), ("D-3", "300.00"))]
    decided.append(decide(api, auth, **_claim("A-1", "50.00", "2026-11-30", as_of=october,
                                              **{"debtor.jurisdiction": "AT", "debtor.timezone": "Europe/Vienna"})))
    handover = decide(api, auth, **_claim("D-H", "120.00", "2026-07-01", as_of=october, **{"history.dunning": [
        {"at": "2026-07-05T09:00:00Z", "kind": "reminder", "level": 1, "channel": "letter"},
        {"at": "2026-07-20T09:00:00Z", "kind": "reminder", "level": 2, "channel": "letter"},
        {"at": "2026-08-10T09:00:00Z", "kind": "final_notice", "level": 3, "channel": "letter"}]}))
    assert handover["status"] == "needs_review"
    clock.now = NOVEMBER
    policy = runtime.context.policy
    from decisions.policy import FakePolicyEngine, PolicyError

    def fails(_: Any) -> Any:
        raise PolicyError("the policy engine is down")

    runtime.context = replace(runtime.context, policy=FakePolicyEngine(fails))
    held = decide(api, auth, **_claim("D-4", "80.00", "2026-09-20", as_of="2026-11-10T09:00:00Z"))
    runtime.context = replace(runtime.context, policy=policy)
    assert held["status"] == "held"
    for ref, kind, amount in (("D-1", "payment_received", "100.00"), ("D-2", "partial_payment", "40.00")):
        paid = api.post("/v1/events", headers=auth("ar_system"), json={
            "type": kind, "debtor_ref": ref, "invoice_ref": f"INV-{ref}", "at": "2026-11-10T08:00:00Z",
            "amount": amount, "currency": "EUR", "on_date": "2026-11-09"})
        assert paid.status_code == 201, paid.json
    (case,) = rights.review_queue(runtime.rights)
    assert datetime.fromisoformat(case["due_at"].replace("Z", "+00:00")) < NOVEMBER
    rights.record_outcome(runtime.rights, case["case_id"], outcome="overturn", rationale="not proportionate",
                          explanation_opened=True, action=None, actor="staff:test")
    clock.now = NOW
    return {"app": app, "runtime": runtime, "decided": decided, "handover": handover, "held": held}


def _as(app: Any, role: str) -> Any:
    client = app.test_client()
    assert staff_sign_in(client, role.replace("_", "-")).status_code == 303
    return client


def _summary(page: str) -> dict[str, tuple[str, str]]:
    """The whole-period table: figure -> (value, n)."""
    table = page[page.index('id="summary"'):page.index("</table>", page.index('id="summary"'))]
    rows = re.findall(r'<td data-label="Figure"><a [^>]*>([^<]+)</a></td><td data-label="Value" class="num">([^<]*)</td>'
                      r'<td data-label="n" class="num">([^<]*)</td>', table)
    return {name: (value, n) for name, value, n in rows}


def _breakdown(page: str, anchor: str, by: str) -> dict[str, str]:
    """A metric's table by month or jurisdiction: label -> value."""
    section = page[page.index(f'<h2 id="{anchor}">'):]
    section = section[section.index(f"<h3>By {by}</h3>"):]
    table = section[section.index("<tbody>"):section.index("</tbody>")]
    return dict(re.findall(r'<td data-label="[^"]+">([^<]+)</td><td data-label="Value" class="num">([^<]*)</td>',
                           table))


def test_the_figures_are_the_hand_computed_ones_and_the_audit_reports(ledger: dict[str, Any]) -> None:
    app, runtime = ledger["app"], ledger["runtime"]
    # by hand: every claim first referred in the period (B = 0); N = 100 + 200 + 300 + 50 + 120 + 80 = 850;
    # at the end D-1 is paid, D-2 has 160 left: T = 0 + 160 + 300 + 50 + 120 + 80 = 710; C = 50 (A-1, due
    # 30 November); 51 days (1 October to 20 November)
    n, t, c, days = Decimal(850), Decimal(710), Decimal(50), 51
    cei = (n - t) / (n - c) * 100                        # 17.5 %
    dso = t / n * days                                   # 42.6 days
    decisions = [*ledger["decided"], ledger["handover"], ledger["held"]]
    dunned = sum(d["status"] == "decided" and d["action"]["kind"] in DUNNING_KINDS for d in decisions)
    assert 0 < dunned <= 4
    client = _as(app, "compliance_officer")
    before = ledger_size(runtime)
    response = client.get(PERIOD)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert ledger_size(runtime) == before                 # reading writes no ledger entry
    summary = _summary(page)
    assert summary["Collection effectiveness index (CEI), referred claims, EUR"] == (f"{cei:.1f}%", "6")
    assert summary["Days sales outstanding (DSO), referred claims, EUR"] == (f"{dso:.1f} days", "6")
    assert summary["Amount recovered, EUR"] == ("€140.00", "2")
    assert summary["Dunning rate"] == (f"{100 * dunned / 6:.1f}%", "6")
    assert summary["Held decisions"] == ("16.7%", "6")            # 1 of 6
    assert summary["Review SLA met"] == ("0.0% (too few)", "1")   # closed after its deadline; one case
    assert summary["Overturn rate"] == ("100.0% (too few)", "1")
    assert "1 of 1 outcomes (0 uphold, 0 modify, 1 overturn)" in page
    # by month: October alone (T = N = 770, C = 50); November (B = 770, N = 80, T = 710, C = 50, 20 days)
    assert _breakdown(page, "cei-EUR", "month") == {"Oct 2026": "0.0%", "Nov 2026": "17.5%"}
    assert _breakdown(page, "dso-EUR", "month") == {"Oct 2026": "31.0 days", "Nov 2026": "177.5 days (too few)"}
    assert _breakdown(page, "recovered-EUR", "month") == {"Oct 2026": "€0.00", "Nov 2026": "€140.00"}
    assert _breakdown(page, "held", "month") == {"Oct 2026": "0.0%", "Nov 2026": "100.0% (too few)"}
    # by jurisdiction: DE N = 800, T = 660, C = 0; AT: N = T = C = 50 (B + N - C = 0: no CEI), one claim
    assert _breakdown(page, "cei-EUR", "jurisdiction") == {"AT": "not computable", "DE": "17.5%"}
    assert _breakdown(page, "dso-EUR", "jurisdiction") == {"AT": "51.0 days (too few)", "DE": "42.1 days"}
    assert _breakdown(page, "recovered-EUR", "jurisdiction") == {"AT": "€0.00", "DE": "€140.00"}
    assert _breakdown(page, "sla", "jurisdiction") == {"AT": "no cases", "DE": "0.0% (too few)"}
    # charts: inline SVG with a name, no script, no style (strict CSP)
    assert page.count('<svg xmlns="http://www.w3.org/2000/svg"') == 2 * 7
    assert "<script" not in page and "style=" not in page and "<style" not in page
    # the audit report of the same days: the same figures
    audit = verified_audit_figures(app, first_day=date(2026, 10, 1), last_day=date(2026, 11, 30), now=NOW)
    kpis = audit["kpis"]
    assert kpis["cei"]["by_currency"][0]["value"] == pytest.approx(float(cei))
    assert kpis["dso"]["by_currency"][0]["value"] == pytest.approx(float(dso))
    assert kpis["recovered"]["by_currency"] == [{"currency": "EUR", "amount": "140.00", "payments": 2}]
    assert (kpis["dunning_rate"]["dunned_claims"], kpis["dunning_rate"]["claims"]) == (dunned, 6)
    assert (kpis["held_share"]["held"], kpis["held_share"]["decisions"]) == (1, 6)
    assert audit["decisions"]["held"]["total"] == 1
    assert (kpis["review_sla"]["on_time"], kpis["review_sla"]["closed"]) == (0, 1)
    assert audit["review"]["closed_late"] == 1 and kpis["overturn_rate"]["value"] == 1.0


def test_the_default_period_is_the_last_twelve_months(ledger: dict[str, Any]) -> None:
    page = _as(ledger["app"], "admin").get("/console/dashboard").get_data(as_text=True)
    assert 'value="2025-12"' in page and 'value="2026-11"' in page
    assert "Dec 2025" in page and "Nov 2026" in page and "Oct 2026" in page


def test_an_empty_ledger_says_there_is_nothing_to_show(staffed: Any) -> None:
    response = _as(staffed, "compliance_officer").get("/console/dashboard")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "no cases" in page and "No jurisdiction with recorded decisions" in page


def test_a_tampered_ledger_gets_503_and_no_figure(ledger: dict[str, Any]) -> None:
    app = ledger["app"]
    client = _as(app, "compliance_officer")
    assert client.get(PERIOD).status_code == 200
    tamper(ledger["runtime"].db, "UPDATE decisions SET status = 'held' WHERE ledger_seq = "
                                 "(SELECT min(ledger_seq) FROM decisions WHERE status = 'decided')")
    response = client.get(PERIOD)
    page = response.get_data(as_text=True)
    assert response.status_code == 503 and "ledger_unverified" in page and "does not verify" in page
    assert "<svg" not in page and "€140.00" not in page and "17.5%" not in page and "Key figures" not in page


def test_compliance_officers_and_admins_only(ledger: dict[str, Any]) -> None:
    app = ledger["app"]
    assert app.test_client().get(PERIOD).status_code == 303
    assert _as(app, "reviewer").get(PERIOD).status_code == 403
    for role in ("compliance_officer", "admin"):
        client = _as(app, role)
        assert client.get(PERIOD).status_code == 200
        assert 'href="/console/dashboard"' in client.get("/console/home").get_data(as_text=True)
    assert 'href="/console/dashboard"' not in _as(app, "reviewer").get("/console/home").get_data(as_text=True)


@pytest.mark.parametrize(("query", "field"), [
    ("from=2026-13&to=2026-11", "from"), ("from=2026-10&to=November", "to"), ("from=2026-1&to=2026-11", "from"),
    ("from=2026-11&to=2026-10", "to"), ("from=2027-02&to=2027-03", "from"), ("from=1999-01&to=2026-11", "from"),
    ("from=1800-01&to=2099-12", "from"), ("from=2026-10&to=2026-11&jurisdiction=DE", "jurisdiction")])
def test_a_bad_period_is_refused_naming_the_field(staffed: Any, query: str, field: str) -> None:
    runtime = staffed.extensions["fairdun"]
    client = _as(staffed, "compliance_officer")
    before = ledger_size(runtime)
    response = client.get(f"/console/dashboard?{query}")
    page = response.get_data(as_text=True)
    assert response.status_code == 422, query
    assert f'href="#{field}"' in page or f"<code>{field}</code>" in page or f"{field}:" in page, page
    assert "<svg" not in page and ledger_size(runtime) == before


def test_more_than_ten_years_is_refused(staffed: Any) -> None:
    response = _as(staffed, "compliance_officer").get("/console/dashboard?from=2010-01&to=2026-11")
    assert response.status_code == 422 and 'href="#to"' in response.get_data(as_text=True)
