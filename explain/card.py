"""The model card, rendered from an artifact (the card never disagrees with the model).

:func:`model_card` is the card as data (JSON-able, with the global explanation); Markdown
(:func:`render_model_card`) and the SVG charts (``explain.charts``) are renderings of it.
Charts are referenced as ``<model id>.charts/<chart>.svg`` next to the card
(:func:`write_model_card` writes all three).
"""

from __future__ import annotations

import json
import os
import shlex
from pathlib import Path
from typing import Any

from explain.global_explanation import global_explanation

__all__ = ["model_card", "render_model_card", "card_json_bytes", "write_model_card", "charts_dir_name"]

_MONOTONE = {1: "increasing", -1: "decreasing", 0: "none"}
_RATES = {
    "flag_rate": "share flagged (outcome)",
    "mean_predicted": "mean predicted (outcome)",
    "false_positive_rate": "false positive rate (error)",
    "false_negative_rate": "false negative rate (error)",
}


def charts_dir_name(model_id: str) -> str:
    return f"{model_id}.charts"


def _f(x: float | None, digits: int = 3) -> str:
    return "n/a" if x is None else f"{x:.{digits}f}"


def _intended_use(artifact: dict) -> dict[str, Any]:
    if artifact["feature_set"] == "dunning":
        return {
            "purpose": (
                "Ranks open invoices by the risk of serious late payment so that fairdun can choose "
                "the next dunning step (reminder level, tone, channel) and send uncertain or "
                "significant cases to human review. The score is one input to a decision that also "
                "passes legal policies; it is never by itself a reason for a collection handover or "
                "a credit-bureau report."),
            "not_for": [
                "credit decisions, pricing, or assessing a person's creditworthiness in general",
                "any use on debtors who objected to profiling (GDPR Art. 21)",
            ],
        }
    return {
        "purpose": (
            f"Estimates the probability that `{artifact['target']['name']}` is "
            f"{artifact['target']['positive_class']!r} for a row of `{artifact['training']['data']['file']}`, "
            "so that the model can be checked on the user's own data (`fairdun model score`). Its "
            "features are the user's columns, so it cannot score fairdun's live decisions."),
        "not_for": ["live dunning decisions (register an AR-history model for those)",
                    "any use the training data does not represent"],
    }


def _limitations(artifact: dict) -> list[str]:
    tr = artifact["training"]
    items: list[str] = []
    if tr["mode"] == "ar-history":
        data = tr["data"]
        split = tr["split"]
        items += [
            f"Small and old: {data['customers']} customers, invoices issued from "
            f"{data['first_issued_on']} and settled until {data['last_settled_on']}; the holdout has "
            f"{split['customers']['holdout']} customers, so every interval on this card is wide. Validate on "
            "your own portfolio before relying on it (`fairdun model score`).",
            "Only paid invoices: invoices never paid (bad debt) are not in the data, so the model cannot "
            "learn non-payment; invoices due in the last "
            f"{data['max_days_late']} days before the last settlement are left out (censored), because "
            "only those paid early enough are in the history.",
            "Every invoice in the data was eventually paid, at most "
            f"{data['max_days_late']} days late: the model has seen no invoice open longer. "
            "`days_past_due` is counted within the ladder's range (-5 to 45) and binned by week up to "
            "three weeks; every later decision falls into the top bin, whose estimate comes from the "
            "invoices that stayed open three weeks or more.",
            "No partial payments and no amounts: the history has no partial payments and its currency "
            "is unknown, so amounts are not a feature (see the feature evidence).",
            "The late rate falls over the period covered (seasonal and trend), and the calibration is "
            "fitted on the period before the holdout, whose late rate was higher: check the calibration "
            "on your own recent outcomes (the console's Risk model page and the audit report show live "
            "calibration by month and jurisdiction).",
        ]
    elif tr["mode"] == "ledger":
        data = tr["data"]
        items += [
            f"Trained on this installation's own decisions ({data['rows']} of {data['customers']} debtors, "
            f"decided {data['first_decided_on']} to {data['last_decided_on']}), which the scoring models "
            f"{', '.join(data['scored_by'])} and the ladder chose: the outcomes are those of the dunning "
            "actually done, so the model learns payment under the current strategy, not without it.",
            "Labels come from the payments the AR system reported; a payment never reported counts as "
            "unpaid. Debtors who were erased, objected to profiling or are restricted are not in the data.",
        ]
    else:
        items += [
            "Trained on the user's CSV as given: its rows are taken as independent and in time "
            "order; any leak in its columns (information from after the moment a prediction would "
            "be made) inflates the metrics.",
            "Categories not seen in training score with interpret's unknown bin (contribution 0) "
            "and are reported as out of range.",
        ]
    fairness = artifact.get("fairness", {})
    if "min_customers" in fairness:   # an AR-history model: calibration within groups first
        for attribute, result in sorted(fairness.get("attributes", {}).items()):
            if result["flagged"]:
                items.append(f"Fairness by `{attribute}` (measured, never a feature): "
                             + "; ".join(result["flagged"]) + ". The features may act as proxies for "
                             f"`{attribute}`; approving this model needs a named sign-off.")
            else:
                items.append(f"Fairness by `{attribute}`: no group's calibration differs from the others' "
                             "beyond its interval, and no disparity is established by its interval.")
        if not fairness.get("attributes"):
            items.append("No attribute was measured for fairness (no `--group-by` or protected column).")
        return items
    # sorted: a loaded artifact has its keys sorted, a freshly trained one does not
    for attribute, result in sorted(fairness.get("attributes", {}).items()):
        base = result["base_rate_disparity"]
        base_text = (f"the observed late rates themselves differ by a ratio of {_f(base['ratio'], 2)}"
                     if base.get("ratio") else "the observed late rates could not be compared")
        if result["flagged"]:
            rates = ", ".join(f"{_RATES[r]} {_f(result['disparities'][r]['ratio'], 2)}"
                              for r in result["flagged"])
            items.append(
                f"Fairness by `{attribute}` (measured, never a feature): disparities above the "
                f"ratio {fairness['max_ratio']:g} in {rates}; {base_text}. The features may act as "
                f"proxies for `{attribute}`; review the fairness table before approving this model.")
        else:
            items.append(f"Fairness by `{attribute}`: no disparity above the ratio "
                         f"{fairness['max_ratio']:g} among the groups compared; {base_text}.")
    if not fairness.get("attributes"):
        items.append("No attribute was measured for fairness (no `--group-by` or protected column).")
    return items


def _reproduce(artifact: dict) -> dict[str, Any]:
    tr = artifact["training"]
    settings = tr["settings"]
    if tr["mode"] == "ar-history":
        command = ["fairdun", "model", "train", "--ar-history", tr["data"]["file"]]
        if tr["data"]["layout"]["name"] != "ibm":
            command += ["--mapping", "MAPPING.json"]
        command += ["--settings", "settings.json", "--out", f"{artifact['model_id']}.json"]
    elif tr["mode"] == "ledger":
        command = ["fairdun", "model", "train", "--ledger-set", tr["data"]["file"], "--settings", "settings.json",
                   "--out", f"{artifact['model_id']}.json"]
    else:
        cols = tr["columns"]
        command = ["fairdun", "model", "train", "--csv", tr["data"]["file"], "--target", cols["target"],
                   "--positive", cols["positive"]]
        for name in cols["features"]:
            command += ["--feature", name]
        for name, direction in cols["monotone"].items():
            command += ["--monotone", f"{name}={direction:+d}"]
        for name in cols["protected"]:
            command += ["--protected", name]
        for flag, key in (("--group-by", "group_by"), ("--order-by", "order_by")):
            if cols[key]:
                command += [flag, cols[key]]
        command += ["--settings", "settings.json", "--out", f"{artifact['model_id']}.json"]
    return {"command": shlex.join(command), "settings": settings, "software": tr["software"]}


def model_card(artifact: dict, sha256: str, governance: dict[str, Any] | None = None) -> dict[str, Any]:
    """The model card as data: everything the Markdown card shows, plus the global explanation.

    ``governance`` is the registry's record of the version (its approval and sign-off), shown
    in the card's approval section; without it the card says what an approval requires."""
    card = _model_card(artifact, sha256)
    if artifact.get("bands"):
        card.update(_risk_sections(artifact, governance))
    return card


def _model_card(artifact: dict, sha256: str) -> dict[str, Any]:
    a = artifact
    tr = a["training"]
    m = a["metrics"]
    explanation = global_explanation(a)
    charts = charts_dir_name(a["model_id"])
    return {
        "model_id": a["model_id"],
        "sha256": sha256,
        "feature_set": a["feature_set"],
        "estimator": tr["estimator"],
        "software": tr["software"],
        "terms": len(a["terms"]),
        "outer_bags": a["uncertainty"]["bags"],
        "random_state": tr["settings"]["random_state"],
        "max_abs_diff_vs_interpret": m["max_abs_diff_vs_interpret"],
        "intended_use": _intended_use(a),
        "target": a["target"],
        "data": {k: v for k, v in tr.items() if k in ("mode", "data", "snapshots", "split", "columns")},
        "features": [
            {"name": f["name"], "kind": f["kind"], "unit": f.get("unit", ""),
             "monotone": _MONOTONE[f["monotone"]], "binning": f.get("binning", "quantile"),
             "description": f["description"], "bounds": f.get("bounds"), "domain": f.get("domain")}
            for f in a["features"]
        ],
        "interactions": tr["settings"]["interactions"],
        "excluded_attributes": a["excluded_attributes"],
        "protected_attributes": tr.get("protected_attributes"),
        "metrics": {
            "holdout": {k: v for k, v in m["holdout"].items() if k != "calibration"},
            "baseline": m["baseline"],
            "auc_gap_to_baseline": m["auc_gap_to_baseline"],
            **({"random_split": m["random_split"]} if "random_split" in m else {}),
        },
        "calibration": m["holdout"]["calibration"],
        "fairness": a.get("fairness", {}),
        "global_explanation": explanation,
        "charts": {
            "importances": f"{charts}/importances.svg",
            "shapes": {s["feature"]: f"{charts}/shape-{s['feature']}.svg" for s in explanation["shapes"]},
        },
        "uncertainty": a["uncertainty"],
        "limitations": _limitations(a),
        "reproduce": _reproduce(a),
    }


def _data_lines(card: dict) -> list[str]:
    d = card["data"]
    data = d["data"]
    if d["mode"] == "ar-history":
        snaps, split = d["snapshots"], d["split"]
        source = ("IBM's \"Accounts Receivable\" sample (Watson Analytics)"
                  if data["layout"]["name"] == "ibm" else
                  f"The AR history `{data['file']}` (column mapping `{data['layout']['name']}`)")
        return [
            f"{source}: {data['invoices']} paid invoices of {data['customers']} customers, issued from "
            f"{data['first_issued_on']}, settled until {data['last_settled_on']}; "
            f"{data['late_share']:.0%} were paid after their due date, at most "
            f"{data['max_days_late']} days late.",
            "",
            f"Decision-time snapshots: {snaps['total']} (decided {snaps['first_decided_on']} to "
            f"{snaps['last_decided_on']}; {snaps['positives']} positive). A snapshot uses only what "
            "was known at the start of the decision day: the customer's invoices settled before that "
            "day, and the invoice's own amount, dispute flag, paperless flag and due month.",
            "",
            f"Time-ordered split: training on decisions before {split['holdout_from']} whose label "
            f"was known by then ({split['train']} snapshots; "
            f"{split['dropped_label_unknown_at_cutoff']} earlier snapshots dropped because their "
            f"outcome was not yet known), holdout on decisions from {split['holdout_from']} on "
            f"({split['holdout']} snapshots). The model is the model evaluated below (it has not "
            "been refit on the holdout).",
        ]
    if d["mode"] == "ledger":
        snaps, split = d["snapshots"], d["split"]
        return [
            f"This installation's scored decisions (`{data['file']}`, `fairdun model dataset --from-ledger`): "
            f"{data['rows']} decisions of {data['customers']} debtors, decided {data['first_decided_on']} to "
            f"{data['last_decided_on']}; {data['late_share']:.0%} were late by the target. The inputs are those "
            "each decision recorded.",
            "",
            f"Time-ordered split: training before {split['calibration_from']}, calibration until "
            f"{split['holdout_from']} (labels known by each cutoff; {split['dropped_label_unknown_at_cutoff']} "
            f"dropped), holdout from {split['holdout_from']} ({split['holdout']} decisions; "
            f"{snaps['positives']} late in all).",
        ]
    split = d["split"]
    return [
        f"`{data['file']}`: {data['rows']} rows, {data['positives']} positive; columns "
        + ", ".join(f"`{c}`" for c in data["columns"]) + ".",
        "",
        f"Split: {split['method']}; training on the first {split['train']} rows, holdout on the last "
        f"{split['holdout']}" + (f" (from {split['holdout_from']})" if split["holdout_from"] else "") + ".",
    ]


def _fairness_lines(fairness: dict) -> list[str]:
    lines: list[str] = []
    if not fairness.get("attributes"):
        return ["No attribute was measured."]
    lines += [
        f"Measured on the {fairness['evaluated_on']}. A case is *flagged* when its score is at least "
        f"{fairness['threshold']:g}. Disparity = highest / lowest group rate among groups with at "
        f"least {fairness['min_group']} members in the rate's denominator; flagged above "
        f"{fairness['max_ratio']:g} (the four-fifths rule, 29 CFR § 1607.4(D), as a ratio).",
        "",
    ]
    for attribute, result in sorted(fairness["attributes"].items()):
        lines += [f"### By `{attribute}`", "",
                  "| group | n | observed late | mean predicted | flagged | false positive rate | "
                  "false negative rate | AUC |",
                  "|---|---|---|---|---|---|---|---|"]
        for g in result["groups"]:
            lines.append(f"| {g['group']} | {g['n']} | {_f(g['base_rate'])} | {_f(g['mean_predicted'])} | "
                         f"{_f(g['flag_rate'])} | {_f(g['false_positive_rate'])} | "
                         f"{_f(g['false_negative_rate'])} | {_f(g['auc'])} |")
        lines += ["", "| rate | disparity | highest | lowest | flagged |", "|---|---|---|---|---|"]
        for rate in _RATES:
            d = result["disparities"][rate]
            ratio = _f(d["ratio"], 2) if d["ratio"] is not None else (d.get("note") or "n/a")
            lines.append(f"| {_RATES[rate]} | {ratio} | {d.get('highest', '')} | {d.get('lowest', '')} | "
                         f"{'**yes**' if d['flagged'] else 'no'} |")
        base = result["base_rate_disparity"]
        lines += ["", f"For reading these: the observed late rates differ by "
                      f"{_f(base['ratio'], 2) if base['ratio'] is not None else 'n/a'} between groups.", ""]
    return lines


def render_model_card(artifact: dict, sha256: str, governance: dict[str, Any] | None = None) -> str:
    """Markdown model card for ``artifact`` whose file has SHA-256 ``sha256``."""
    card = model_card(artifact, sha256, governance)
    if "populations" in card:
        return "\n".join(_risk_card_lines(card))
    m = card["metrics"]
    ho, base, rs = m["holdout"], m["baseline"]["holdout"], m["random_split"]
    lines: list[str] = []
    add = lines.append
    add(f"# Model card: `{card['model_id']}`")
    add("")
    add(f"- Artifact: `{card['model_id']}.json`, SHA-256 `{sha256}`")
    add(f"- Estimator: {card['estimator']} (interpret-core {card['software']['interpret-core']}), "
        f"{card['terms']} terms, {card['outer_bags']} outer bags, random_state {card['random_state']}")
    add(f"- Training data: `{card['data']['data']['file']}`, SHA-256 `{card['data']['data']['sha256']}`")
    add("- Format: JSON artifact (no pickle); scoring reads only the JSON and reproduces "
        "interpret's `predict_proba` and `eval_terms` (largest difference on the holdout: "
        f"{card['max_abs_diff_vs_interpret']:.1e}).")
    add(f"- Features: `{card['feature_set']}`"
        + (" (fairdun's decision features; can be registered for live decisions)"
           if card["feature_set"] == "dunning" else " (the user's columns; cannot score live decisions)"))
    add("")
    add("## Intended use")
    add("")
    add(card["intended_use"]["purpose"])
    add("")
    add("Not intended for: " + "; ".join(card["intended_use"]["not_for"]) + ".")
    add("")
    add("## Target")
    add("")
    add(card["target"]["definition"])
    add("")
    if card["feature_set"] == "dunning":
        lo, hi = card["features"][0]["bounds"]
        add(f"Decisions outside {lo:g} to {hi:g} days past due (the training range) are scored with "
            "the nearest edge bin, as interpret does, and reported in `Score.out_of_range`.")
        add("")
    add("## Data")
    add("")
    lines += _data_lines(card)
    add("")
    add("## Features")
    add("")
    add("| feature | unit | monotone | binning | meaning |")
    add("|---|---|---|---|---|")
    for f in card["features"]:
        add(f"| `{f['name']}` | {f['unit']} | {f['monotone']} | {f['binning']} | {f['description']} |")
    add("")
    add("Monotone features are constrained during boosting and the artifact is checked to be "
        "monotone (training and loading fail otherwise). Missing values have their own bin, as "
        "in interpret; values outside the training range fall into the first or last bin. "
        f"Pairwise interaction terms: {card['interactions']} (interpret never pairs a monotone feature).")
    add("")
    add("Excluded attributes (never features):")
    add("")
    for name, why in sorted(card["excluded_attributes"].items()):
        add(f"- `{name}`: {why}")
    add("")
    add("## Global explanation")
    add("")
    add(f"Term importance: {card['global_explanation']['importance_method']}.")
    add("")
    add("| term | importance |")
    add("|---|---|")
    for r in card["global_explanation"]["importances"]:
        add(f"| `{r['term']}` | {_f(r['importance'])} |")
    add("")
    add(f"![Term importances]({card['charts']['importances']})")
    add("")
    add("Shape functions (contribution to the log odds per bin; shaded: spread across the outer bags):")
    add("")
    for feature, path in card["charts"]["shapes"].items():
        add(f"![{feature}]({path})")
        add("")
    add("## Metrics (holdout, time-ordered)")
    add("")
    add("| model | AUC | Brier | log loss |")
    add("|---|---|---|---|")
    add(f"| EBM (this model) | {_f(ho['auc'])} | {_f(ho['brier'], 4)} | {_f(ho['log_loss'], 4)} |")
    add(f"| baseline: {m['baseline']['model']} | {_f(base['auc'])} | {_f(base['brier'], 4)} | "
        f"{_f(base['log_loss'], 4)} |")
    add("")
    add(f"AUC gap to the black-box baseline: {m['auc_gap_to_baseline']:+.3f} (negative: the EBM is "
        f"better). Holdout: {ho['n']} rows, {ho['positives']} positive (prevalence "
        f"{_f(ho['prevalence'])}, mean predicted {_f(ho['mean_predicted'])}).")
    add("")
    why = ("lower than the holdout: it also tests on the early period"
           + (", when customers had little payment history yet" if card["feature_set"] == "dunning" else "")
           if rs["auc"] < ho["auc"] else "higher than the holdout, as random splits that mix periods usually are")
    add(f"Random split by {rs['grouped_by']} ({rs['n_train']} / {rs['n_test']}, same settings): "
        f"EBM AUC {_f(rs['auc'])}, baseline AUC {_f(rs['baseline_auc'])}; {why}.")
    add("")
    add("## Calibration (holdout)")
    add("")
    add(f"Equal-count bins of predicted probability; expected calibration error "
        f"{_f(ho['expected_calibration_error'])}.")
    add("")
    add("| bin | n | predicted (range) | mean predicted | observed |")
    add("|---|---|---|---|---|")
    for r in card["calibration"]:
        add(f"| {r['bin']} | {r['n']} | {_f(r['p_min'])} to {_f(r['p_max'])} | "
            f"{_f(r['mean_predicted'])} | {_f(r['observed_rate'])} |")
    add("")
    add("## Fairness")
    add("")
    lines += _fairness_lines(card["fairness"])
    add("## Uncertainty")
    add("")
    add(card["uncertainty"]["method"])
    add("")
    add("## Limitations")
    add("")
    for item in card["limitations"]:
        add(f"- {item}")
    add("")
    add("## Reproduce")
    add("")
    add("Same data (same SHA-256), same settings and library versions give a byte-identical artifact:")
    add("")
    add("```sh")
    add(card["reproduce"]["command"])
    add("```")
    add("")
    add("`settings.json`:")
    add("")
    add("```json")
    add(json.dumps(card["reproduce"]["settings"], sort_keys=True, indent=1))
    add("```")
    add("")
    add("Software: " + ", ".join(f"{k} {v}" for k, v in sorted(card["reproduce"]["software"].items())))
    add("")
    return "\n".join(lines)


def card_json_bytes(card: dict) -> bytes:
    return (json.dumps(card, sort_keys=True, indent=1, ensure_ascii=False, allow_nan=False) + "\n").encode("utf-8")


def write_model_card(artifact: dict, sha256: str, directory: str | os.PathLike[str],
                     governance: dict[str, Any] | None = None) -> dict[str, str]:
    """Write ``<id>.md``, ``<id>.card.json`` and ``<id>.charts/*.svg`` into ``directory``."""
    from explain.charts import chart_files

    directory = Path(directory)
    model_id = artifact["model_id"]
    card = model_card(artifact, sha256, governance)
    charts = directory / charts_dir_name(model_id)
    charts.mkdir(parents=True, exist_ok=True)
    for name, data in chart_files(card["global_explanation"]).items():
        (charts / name).write_bytes(data)
    markdown = directory / f"{model_id}.md"
    markdown.write_text(render_model_card(artifact, sha256, governance), encoding="utf-8")
    as_json = directory / f"{model_id}.card.json"
    as_json.write_bytes(card_json_bytes(card))
    return {"markdown": str(markdown), "json": str(as_json), "charts": str(charts)}


# --------------------------------------------------------------------------- AR-history models
# (calibrated, banded, with a safeguard; the generic mode's card is rendered above)

_POPULATION_NAMES = {"all": "every decision", "pre_due": "before the due date", "overdue_3": "3+ days past due"}


def _ci(ci: list[float | None] | None, digits: int = 3) -> str:
    """An interval; a missing end of a ratio's interval is unbounded."""
    if not ci or ci == [None, None] and digits != 2:
        return "n/a"
    lo, hi = ci
    return f"[{_f(lo, digits) if lo is not None else 'unbounded'}, {_f(hi, digits) if hi is not None else 'unbounded'}]"


def _pct_ci(ci: list[float] | None) -> str:
    return "n/a" if not ci else f"[{ci[0]:.1%}, {ci[1]:.1%}]"


def _risk_sections(a: dict, governance: dict[str, Any] | None) -> dict[str, Any]:
    """The sections only a calibrated AR-history model has."""
    m = a["metrics"]
    bands = {k: v for k, v in a["bands"].items() if k != "reference"}
    bands["reference"] = {"scores": len(a["bands"]["reference"]["scores"]),
                          "snapshots": sum(a["bands"]["reference"]["counts"])}
    return {
        "populations": m["populations"],
        "baselines": [dict(b) for b in m["baselines"]],
        "calibration_map": a["calibration"],
        "bands": bands,
        "band_calibration": m["bands"],
        "cutoff_neighbourhoods": m["cutoffs"],
        "calibration_check": {k: a["governance"][k] for k in ("calibration_check", "calibration_check_rule")},
        "safeguard": {**a["safeguard"], "rates": m["safeguard"]},
        "feature_evidence": m["feature_evidence"],
        "bootstrap": m["bootstrap"],
        "governance": {
            "findings": list(a["governance"]["findings"]),
            "sign_off_required": a["governance"]["sign_off_required"],
            "record": governance,
        },
    }


def _risk_card_lines(card: dict) -> list[str]:
    lines: list[str] = []
    add = lines.append
    d = card["data"]
    data, snaps, split = d["data"], d["snapshots"], d["split"]
    boot = card["bootstrap"]
    add(f"# Model card: `{card['model_id']}`")
    add("")
    add(f"- Artifact: `{card['model_id']}.json`, SHA-256 `{card['sha256']}`")
    add(f"- Estimator: {card['estimator']} (interpret-core {card['software']['interpret-core']}), "
        f"{card['terms']} terms, {card['outer_bags']} outer bags, random_state {card['random_state']}; "
        "calibrated on held-out data (Platt scaling)")
    add(f"- Training data: `{data['file']}`, SHA-256 `{data['sha256']}`")
    add("- Format: JSON artifact (no pickle); scoring reads only the JSON and reproduces "
        "interpret's `predict_proba` and `eval_terms` (largest difference on the calibration and "
        f"holdout periods: {card['max_abs_diff_vs_interpret']:.1e}).")
    add("- Features: `dunning` (fairdun's decision features; can be registered for live decisions)")
    add(f"- Intervals: 95 % percentile intervals over {boot['resamples']} bootstrap resamples of the "
        f"holdout's {boot['customers']} customers (a customer's snapshots stay together).")
    add("")
    add("## Intended use")
    add("")
    add(card["intended_use"]["purpose"])
    add("")
    add("Not intended for: " + "; ".join(card["intended_use"]["not_for"]) + ".")
    add("")
    add("## Target")
    add("")
    add(card["target"]["definition"])
    add("")
    add("## Data and populations")
    add("")
    windows = " and ".join(f"{w[0]} to {w[1]}" for w in snaps["windows"])
    if card["data"]["mode"] == "ledger":
        add(f"This installation's own scored decisions (`{data['file']}`, `fairdun model dataset --from-ledger`): "
            f"{data['rows']} decisions of {data['customers']} debtors, decided {data['first_decided_on']} to "
            f"{data['last_decided_on']} and scored by {', '.join(data['scored_by'])}; {data['late_share']:.0%} "
            "were late by the target. Each row holds the inputs its decision recorded, so only what was known "
            "then; labels come from the payments the AR system reported later.")
        add("")
    else:
        source = ("IBM's \"Accounts Receivable\" sample (Watson Analytics)" if data["layout"]["name"] == "ibm"
                  else f"The AR history `{data['file']}` (column mapping `{data['layout']['name']}`)")
        add(f"{source}: {data['invoices']} paid invoices of {data['customers']} customers, issued from "
            f"{data['first_issued_on']}, settled until {data['last_settled_on']}; {data['late_share']:.0%} were "
            f"paid after their due date, at most {data['max_days_late']} days late."
            + (f" Invoices due after {data['censored_due_after']} are left out (censored: the history "
               "holds only those of them that were paid early enough)." if data.get("censored_due_after") else ""))
        add("")
        add(f"The population is the ladder's: a snapshot for every day an invoice was open on which the "
            f"ladder decides ({windows} days relative to the due date): {snaps['total']} snapshots, decided "
            f"{snaps['first_decided_on']} to {snaps['last_decided_on']}, {snaps['positives']} positive. A "
            "snapshot uses only what was known at the start of its day: the customer's invoices settled "
            "before it, and the customer's paperless flag.")
        add("")
    dropped = split["dropped_label_unknown_at_cutoff"]
    add("Three periods in time order (no label from after the end of the period it is used in):")
    add("")
    add("| period | from | snapshots | customers | used for |")
    add("|---|---|---|---|---|")
    add(f"| training | {snaps['first_decided_on']} | {split['train']} ({dropped['train']} dropped: outcome "
        f"not yet known) | {split['customers']['train']} | fitting the EBM |")
    add(f"| calibration | {split['calibration_from']} | {split['calibration']} ({dropped['calibration']} "
        f"dropped) | {split['customers']['calibration']} | calibration, cut-offs, safeguard, tuning the baselines |")
    add(f"| holdout | {split['holdout_from']} | {split['holdout']} | {split['customers']['holdout']} | "
        "every figure below |")
    add("")
    add("## Features")
    add("")
    add("| feature | unit | monotone | binning | training range | meaning |")
    add("|---|---|---|---|---|---|")
    for f in card["features"]:
        rng = f"{_f(f['bounds'][0], 2)} to {_f(f['bounds'][1], 2)}" if f.get("bounds") else "n/a"
        if f.get("domain"):
            rng += f" (counted within {f['domain'][0]:g} to {f['domain'][1]:g})"
        add(f"| `{f['name']}` | {f['unit']} | {f['monotone']} | {f['binning']} | {rng} | {f['description']} |")
    add("")
    add("Monotone features are constrained during boosting and the artifact is checked to be "
        "monotone (training and loading fail otherwise). Missing values have their own bin. An input "
        "outside its training range (outside the declared range of a counted-within feature) is "
        "reported as out of range and sends the decision to a person (see Safeguard). Pairwise "
        f"interaction terms: {card['interactions']}.")
    add("")
    add("Never features:")
    add("")
    for name, why in sorted(card["excluded_attributes"].items()):
        add(f"- `{name}`: {why}")
    add("")
    if card["feature_evidence"]:
        add("### Feature evidence (what a left-out candidate would add, measured in this run)")
        add("")
        add("Holdout AUC of the same EBM trained with the candidate added, minus this model's, paired "
            "over the same resamples. A candidate is left out unless its whole interval lies above 0.")
        add("")
        add("| candidate | every decision | before the due date | 3+ days past due | what it is |")
        add("|---|---|---|---|---|")
        for e in card["feature_evidence"]:
            cells = [f"{e['with_minus_without_auc'][p]['difference']:+.3f} "
                     f"{_ci(e['with_minus_without_auc'][p]['ci'])}" for p in ("all", "pre_due", "overdue_3")]
            add(f"| `{e['candidate']}` | {' | '.join(cells)} | {e['description']} |")
        add("")
    add("## Global explanation")
    add("")
    add(f"Term importance: {card['global_explanation']['importance_method']}.")
    add("")
    add("| term | importance |")
    add("|---|---|")
    for r in card["global_explanation"]["importances"]:
        add(f"| `{r['term']}` | {_f(r['importance'])} |")
    add("")
    add(f"![Term importances]({card['charts']['importances']})")
    add("")
    add("Shape functions (contribution to the log odds per bin; shaded: spread across the outer bags):")
    add("")
    for feature, path in card["charts"]["shapes"].items():
        add(f"![{feature}]({path})")
        add("")
    add("## Metrics (holdout, time-ordered, calibrated probabilities)")
    add("")
    add("| population | n | customers | observed late | mean predicted | AUC | Brier |")
    add("|---|---|---|---|---|---|---|")
    # a fixed order: the artifact's dict order changes when it is read back from its sorted JSON
    for name in sorted(card["populations"], key=lambda n: [*_POPULATION_NAMES, n].index(n)):
        p = card["populations"][name]
        add(f"| {_POPULATION_NAMES.get(name, name)} | {p['n']} | {p['customers']} | {_f(p['observed'])} "
            f"{_ci(p['observed_ci'])} | {_f(p['mean_predicted'])} | {_f(p['auc'])} {_ci(p['auc_ci'])} | "
            f"{_f(p['brier'], 4)} {_ci(p['brier_ci'], 4)} |")
    add("")
    add("## Baselines (trained in the same run on the same features and periods)")
    add("")
    add("Each is fitted on the training period, its parameters chosen by log loss on the calibration "
        "period, and evaluated on the holdout with the same resamples; the difference is the EBM's AUC "
        "minus the baseline's (negative: the baseline ranks better).")
    add("")
    add("| baseline | parameters | AUC, every decision | AUC, before due | AUC, 3+ days past due | "
        "EBM minus baseline, every decision | EBM minus baseline, 3+ days past due |")
    add("|---|---|---|---|---|---|---|")
    for b in card["baselines"]:
        pops = b["populations"]
        diff = b["ebm_minus_baseline_auc"]
        params = ", ".join(f"{k}={v}" for k, v in sorted(b["params"].items())) or "defaults"
        add(f"| {b['name']} | {params} | {_f(pops['all']['auc'])} {_ci(pops['all']['auc_ci'])} | "
            f"{_f(pops['pre_due']['auc'])} {_ci(pops['pre_due']['auc_ci'])} | "
            f"{_f(pops['overdue_3']['auc'])} {_ci(pops['overdue_3']['auc_ci'])} | "
            f"{diff['all']['difference']:+.3f} {_ci(diff['all']['ci'])} | "
            f"{diff['overdue_3']['difference']:+.3f} {_ci(diff['overdue_3']['ci'])} |")
    add("")
    for b in card["baselines"]:
        add(f"- {b['name']}: {b['description']}.")
    add("")
    cal = card["calibration_map"]
    add("## Calibration")
    add("")
    add(f"{cal['method']} Fitted on {cal['n']} snapshots of {cal['customers']} customers: "
        f"a = {cal['a']:.3f} {_ci(cal['intercept_ci'])}, b = {cal['b']:.3f} {_ci(cal['slope_ci'])} "
        "(a = 0 and b = 1 would mean the EBM was calibrated already).")
    add("")
    check = card["calibration_check"]
    add(f"Calibration per band on the holdout (the check: {check['calibration_check_rule']}; "
        f"result: **{check['calibration_check']}**):")
    add("")
    add("| band | n | customers | mean predicted | observed late | holds the prediction |")
    add("|---|---|---|---|---|---|")
    for b in card["band_calibration"]:
        add(f"| {b['band']} | {b['n']} | {b['customers']} | {_f(b['mean_predicted'])} | {_f(b['observed'])} "
            f"{_ci(b['observed_ci'])} | {'yes' if b['consistent'] else '**no**'} |")
    add("")
    add("Around each cut-off: the holdout cases ranked just below and just above it:")
    add("")
    add("| cut-off | side | n | customers | predicted (range) | mean predicted | observed late |")
    add("|---|---|---|---|---|---|---|")
    for c in card["cutoff_neighbourhoods"]:
        for side in ("below", "above"):
            r = c[side]
            add(f"| {c['cutoff']} ({_f(c['value'])}) | {side} | {r['n']} | {r['customers']} | "
                f"{_f(r['p_min'])} to {_f(r['p_max'])} | {_f(r['mean_predicted'])} | {_f(r['observed'])} "
                f"{_ci(r['observed_ci'])} |")
    add("")
    ho = card["metrics"]["holdout"]
    add(f"Equal-count bins of the calibrated probability (expected calibration error "
        f"{_f(ho['expected_calibration_error'])}):")
    add("")
    add("| bin | n | predicted (range) | mean predicted | observed |")
    add("|---|---|---|---|---|")
    for r in card["calibration"]:
        add(f"| {r['bin']} | {r['n']} | {_f(r['p_min'])} to {_f(r['p_max'])} | "
            f"{_f(r['mean_predicted'])} | {_f(r['observed_rate'])} |")
    add("")
    bands = card["bands"]
    add("## Risk bands and cut-offs")
    add("")
    add(f"The ladder reads its bands from the approved model: high from a calibrated p_late of "
        f"{bands['cutoffs']['high']:.4f}, medium from {bands['cutoffs']['medium']:.4f}, low below. They are "
        f"derived for the stated target shares (high: at most {bands['shares']['high']:.0%} of the decision "
        f"population, medium: at most {bands['shares']['medium']:.0%} more) from the calibration period's "
        f"{bands['reference']['snapshots']} snapshots ({bands['reference']['scores']} distinct scores, kept in "
        "the artifact), and derived again from them when the model is approved (loading refuses an "
        "artifact whose cut-offs differ). The band sets the tone of a reminder, whether a pre-due reminder "
        "is sent (high) and whether a consumer is offered a payment plan first (high, from level 2).")
    add("")
    sg = card["safeguard"]
    rates = sg["rates"]["holdout"]
    add("## Safeguard (FD-OVERSIGHT-UNCERTAIN-SCORE)")
    add("")
    add(f"{sg['method']} Set for a target review rate of {sg['target_review_rate']:.0%}: z = {sg['z']:.3f}, "
        f"straddling on the calibration period {sg['rates']['calibration']['straddling']:.1%} "
        f"(n {sg['rates']['calibration']['n']}).")
    add("")
    add(f"On the holdout (n {rates['n']}): straddling {rates['straddling']:.1%} {_pct_ci(rates['straddling_ci'])}, "
        f"out of range {rates['out_of_range']:.1%}, routed to review {rates['review_rate']:.1%} "
        f"{_pct_ci(rates['review_rate_ci'])}. The policy rule sends every action of such a case to a person; "
        "a case that is neither out of range nor straddling is decided automatically.")
    add("")
    add("## Fairness")
    add("")
    lines += _risk_fairness_lines(card["fairness"])
    gov = card["governance"]
    add("## Approval and sign-off")
    add("")
    if gov["findings"]:
        add("This model needs a named human sign-off with a rationale before it is approved, because of the "
            "findings below: the registry refuses the approval until a compliance officer or admin records one "
            "(`fairdun model sign-off ID --by NAME --rationale TEXT`, a `model_signed_off` ledger event). "
            "Deployed as an installation's default, it is recorded as signed off by the deployment, no named "
            "person, until someone signs it off by name.")
        add("")
        for finding in gov["findings"]:
            add(f"- {finding}")
    else:
        add("No fairness flag and a passed calibration check: an approval needs no sign-off.")
    add("")
    record = gov["record"]
    so = (record or {}).get("sign_off") or {}
    if so.get("signed_off_by") == "deployment":
        add(f"Status in this installation: {record['status']}; signed off by the deployment (no named person).")
    elif so.get("signed_off_by"):
        add(f"Status in this installation: {record['status']}; signed off by **{so['signed_off_by']}** on "
            f"{so['signed_off_at']} (ledger seq {so['seq']}).")
    elif record and record.get("status"):
        add(f"Status in this installation: {record['status']}; no sign-off recorded.")
    else:
        add("Sign-off: none recorded with this card.")
    add("")
    add("## Uncertainty")
    add("")
    add(card["uncertainty"]["method"])
    add("")
    add("## Limitations")
    add("")
    for item in card["limitations"]:
        add(f"- {item}")
    add("")
    add("## Reproduce")
    add("")
    add("Same data (same SHA-256), same settings and library versions give a byte-identical artifact:")
    add("")
    add("```sh")
    add(card["reproduce"]["command"])
    add("```")
    add("")
    add("`settings.json`:")
    add("")
    add("```json")
    add(json.dumps(card["reproduce"]["settings"], sort_keys=True, indent=1))
    add("```")
    add("")
    add("Software: " + ", ".join(f"{k} {v}" for k, v in sorted(card["reproduce"]["software"].items())))
    add("")
    return lines


def _risk_fairness_lines(fairness: dict) -> list[str]:
    if not fairness.get("attributes"):
        return ["No attribute was measured.", ""]
    lines = [f"Measured on the {fairness['evaluated_on']}. {fairness['method']} Minimum group size: "
             f"{fairness['min_customers']} customers; largest acceptable ratio {fairness['max_ratio']:g} "
             f"(the four-fifths rule, 29 CFR § 1607.4(D), as a ratio); flag rate = share at or above the "
             f"high cut-off ({fairness['high_cutoff']:.4f}).", ""]
    for attribute, result in sorted(fairness["attributes"].items()):
        lines += [f"### By `{attribute}`", "",
                  "| group | n | customers | observed late | mean predicted | gap minus the others' gap | "
                  "compared | flagged |", "|---|---|---|---|---|---|---|---|"]
        for g in result["groups"]:
            gap = "n/a" if g["gap_vs_rest"] is None else f"{g['gap_vs_rest']:+.3f} {_ci(g['gap_vs_rest_ci'])}"
            lines.append(f"| {g['group']} | {g['n']} | {g['customers']} | {_f(g['observed'])} | "
                         f"{_f(g['mean_predicted'])} | {gap} | {'yes' if g['eligible'] else 'no (too few customers)'} "
                         f"| {'**yes**' if g['flagged'] else 'no'} |")
        lines += ["", "| rate | disparity (highest / lowest) | interval | flagged |", "|---|---|---|---|"]
        order = ["flag_rate", "false_positive_rate", "false_negative_rate"]
        for rate in sorted(result["disparities"], key=lambda r: [*order, r].index(r)):
            d = result["disparities"][rate]
            if d.get("note"):
                lines.append(f"| {rate.replace('_', ' ')} | n/a | {d['note']} | no |")
                continue
            ratio = "unbounded (a group's rate is 0)" if d.get("unbounded") else _f(d["ratio"], 2)
            lines.append(f"| {rate.replace('_', ' ')} | {ratio} | {_ci(d['ci'], 2)} | "
                         f"{'**yes**' if d['flagged'] else 'no'} |")
        lines.append("")
    return lines
