"""Warnings about the data of the bundle that decides: facts a person must add before the rules
that read them can act again (shown by ``/health`` and on the console's home page).

A bundle can load, pass its Rego tests and still run out of data. The German base-rate table
(``parameters.de_interest``, BGB § 247) ends at ``known_until``, the last day whose published
rate was entered. Interest runs up to (not including) the day of the decision, so once a day of
interest lies after ``known_until`` DE-BGB-288 claims no default interest at all (fail closed).
The first decisions affected are those of ``known_until`` + 2 in the debtor's zone, which is
``known_until`` + 1 in UTC for the zones furthest ahead: the warning starts on that UTC day.
How to add a period: policies_rego/README.md, "Updating the base rate".

    warnings = bundle_warnings(engine, today=now.astimezone(UTC).date())
    [{"code": "base_rate_period_missing", "rule": "DE-BGB-288", "missing_from": "2026-07-01", "message": "…"}]
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

__all__ = ["BASE_RATE_PERIOD_MISSING", "bundle_warnings", "data_warnings"]

BASE_RATE_PERIOD_MISSING = "base_rate_period_missing"
_INTEREST_RULE = "DE-BGB-288"
_PROCEDURE = "policies_rego/README.md, Updating the base rate"


def bundle_warnings(engine: Any, *, today: date) -> list[dict[str, Any]]:
    """The warnings about the data of ``engine``'s bundle on ``today`` (UTC); none for an engine
    without a bundle (an unavailable engine is reported as such, not warned about)."""
    bundle = getattr(engine, "bundle", None)
    if bundle is None:
        return []
    return data_warnings(bundle.data, today=today)


def data_warnings(data: Mapping[str, Any], *, today: date) -> list[dict[str, Any]]:
    """The warnings about a bundle's ``data.json`` on ``today`` (UTC)."""
    interest = data.get("parameters", {}).get("de_interest", {})
    try:
        known_until = date.fromisoformat(interest["known_until"])
    except (KeyError, TypeError, ValueError):
        return [{"code": BASE_RATE_PERIOD_MISSING, "rule": _INTEREST_RULE, "missing_from": None,
                 "message": "the policy bundle has no readable parameters.de_interest.known_until: German "
                            f"default interest cannot be computed and is not claimed ({_PROCEDURE})"}]
    if today <= known_until:
        return []
    missing_from = (known_until + timedelta(days=1)).isoformat()
    return [{"code": BASE_RATE_PERIOD_MISSING, "rule": _INTEREST_RULE, "missing_from": missing_from,
             "message": f"no German base rate (BGB § 247) from {missing_from} is in the policy bundle: "
                        f"{_INTEREST_RULE} claims no default interest on German claims whose interest reaches "
                        f"that day until the period is added ({_PROCEDURE})"}]
