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
        features = {f["name"]: f for f in artifact["features"]}
        amount = features["open_amount"]["bounds"]
        items += [
            f"Small and old: {data['customers']} customers, invoices issued from "
            f"{data['first_issued_on']} and settled until {data['last_settled_on']}, amounts from "
            f"{amount[0]:g} to {amount[1]:g} currency units (currency unknown). Validate on your own "
            "portfolio before relying on it (`fairdun model score`).",
            "Only paid invoices: invoices never paid (bad debt) are not in the data, and invoices "
            "still open when the data was extracted are missing, so late payment is under-"
            "represented towards the end of the period and the model cannot learn non-payment.",
            "No partial payments: `open_amount` equals the invoice amount in training.",
            "The dispute flag carries no date; a dispute raised after a decision date is treated as "
            "known at that date (a possible leak that favours the disputed feature).",
            f"Every invoice in the data was eventually paid (at most {data['max_days_late']} days "
            "late), so the chance of still being unpaid falls again for very old invoices. That is a "
            "selection effect (bad debts are missing); the monotone constraint on `days_past_due` "
            "deliberately keeps the risk from falling with age, so the model is conservative for "
            "long-overdue invoices.",
            "`prior_invoices` grows with calendar time in this data, so it partly encodes the "
            "period; it is binned coarsely to limit this.",
            "Seasonality is binned by quarter; two years of data cannot support month effects.",
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


def model_card(artifact: dict, sha256: str) -> dict[str, Any]:
    """The model card as data: everything the Markdown card shows, plus the global explanation."""
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
             "description": f["description"], "bounds": f.get("bounds")}
            for f in a["features"]
        ],
        "interactions": tr["settings"]["interactions"],
        "excluded_attributes": a["excluded_attributes"],
        "protected_attributes": tr.get("protected_attributes"),
        "metrics": {
            "holdout": {k: v for k, v in m["holdout"].items() if k != "calibration"},
            "baseline": m["baseline"],
            "auc_gap_to_baseline": m["auc_gap_to_baseline"],
            "random_split": m["random_split"],
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


def render_model_card(artifact: dict, sha256: str) -> str:
    """Markdown model card for ``artifact`` whose file has SHA-256 ``sha256``."""
    card = model_card(artifact, sha256)
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


def write_model_card(artifact: dict, sha256: str, directory: str | os.PathLike[str]) -> dict[str, str]:
    """Write ``<id>.md``, ``<id>.card.json`` and ``<id>.charts/*.svg`` into ``directory``."""
    from explain.charts import chart_files

    directory = Path(directory)
    model_id = artifact["model_id"]
    card = model_card(artifact, sha256)
    charts = directory / charts_dir_name(model_id)
    charts.mkdir(parents=True, exist_ok=True)
    for name, data in chart_files(card["global_explanation"]).items():
        (charts / name).write_bytes(data)
    markdown = directory / f"{model_id}.md"
    markdown.write_text(render_model_card(artifact, sha256), encoding="utf-8")
    as_json = directory / f"{model_id}.card.json"
    as_json.write_bytes(card_json_bytes(card))
    return {"markdown": str(markdown), "json": str(as_json), "charts": str(charts)}
