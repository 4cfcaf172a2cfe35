"""The model card (Markdown), rendered from an artifact: the card never disagrees with the model."""

from __future__ import annotations

import json

__all__ = ["render_model_card"]


def _f(x: float, digits: int = 3) -> str:
    return f"{x:.{digits}f}"


def _monotone(m: int) -> str:
    return {1: "increasing", -1: "decreasing", 0: "none"}[m]


def render_model_card(artifact: dict, sha256: str) -> str:
    """Markdown model card for ``artifact`` whose file has SHA-256 ``sha256``."""
    a = artifact
    tr = a["training"]
    data = tr["data"]
    snaps = tr["snapshots"]
    split = tr["split"]
    settings = tr["settings"]
    m = a["metrics"]
    ho = m["holdout"]
    base = m["baseline"]["holdout"]
    rs = m["random_split"]
    lines: list[str] = []
    add = lines.append

    add(f"# Model card: `{a['model_id']}`")
    add("")
    add(f"- Artifact: `{a['model_id']}.json`, SHA-256 `{sha256}`")
    add(f"- Estimator: {tr['estimator']} (interpret-core {tr['software']['interpret-core']}), "
        f"{len(a['terms'])} terms, {a['uncertainty']['bags']} outer bags, "
        f"random_state {settings['random_state']}")
    add(f"- Training data: `{data['file']}`, SHA-256 `{data['sha256']}`")
    add("- Format: JSON artifact (no pickle); scoring reads only the JSON and reproduces "
        "interpret's `predict_proba` and `eval_terms` (largest difference on the holdout: "
        f"{m['max_abs_diff_vs_interpret']:.1e}).")
    add("")
    add("## Intended use")
    add("")
    add("Ranks open invoices by the risk of serious late payment so that fairdun can choose the "
        "next dunning step (reminder level, tone, channel) and send uncertain or significant cases "
        "to human review. The score is one input to a decision that also passes legal policies; "
        "it is never by itself a reason for a collection handover or a credit-bureau report.")
    add("")
    add("Not intended for: credit decisions, pricing, assessing a person's creditworthiness in "
        "general, or any use on debtors who objected to profiling (GDPR Art. 21).")
    add("")
    add("## Target")
    add("")
    add(a["target"]["definition"])
    add("")
    lo, hi = a["features"][0]["bounds"]
    add(f"Decisions outside {lo:g} to {hi:g} days past due (the training range) are scored with "
        "the nearest edge bin, as interpret does, and reported in `Score.out_of_range`.")
    add("")
    add("## Data")
    add("")
    source = (
        "IBM's \"Accounts Receivable\" sample (Watson Analytics)"
        if "ibm" in data["file"].lower()
        else f"The AR history `{data['file']}`"
    )
    add(f"{source}: {data['invoices']} paid invoices of {data['customers']} customers, issued from "
        f"{data['first_issued_on']}, settled until {data['last_settled_on']}; "
        f"{data['late_share']:.0%} were paid after their due date, at most "
        f"{data['max_days_late']} days late.")
    add("")
    add(f"Decision-time snapshots: {snaps['total']} (decided {snaps['first_decided_on']} to "
        f"{snaps['last_decided_on']}; {snaps['positives']} positive). A snapshot uses only what "
        "was known at the start of the decision day: the customer's invoices settled before that "
        "day, and the invoice's own amount, dispute flag, paperless flag and due month.")
    add("")
    add(f"Time-ordered split: training on decisions before {split['holdout_from']} whose label was "
        f"known by then ({split['train']} snapshots; {split['dropped_label_unknown_at_cutoff']} "
        f"earlier snapshots dropped because their outcome was not yet known), holdout on decisions "
        f"from {split['holdout_from']} on ({split['holdout']} snapshots). The shipped model is the "
        "model evaluated below (it has not been refit on the holdout).")
    add("")
    add("## Features")
    add("")
    add("| feature | unit | monotone | binning | meaning |")
    add("|---|---|---|---|---|")
    for f in a["features"]:
        add(f"| `{f['name']}` | {f['unit']} | {_monotone(f['monotone'])} | "
            f"{f.get('binning', 'quantile')} | {f['description']} |")
    add("")
    add("Monotone features are constrained during boosting and the artifact is checked to be "
        "monotone (training and loading fail otherwise). Missing values have their own bin, as "
        "in interpret; values outside the training range fall into the first or last bin. "
        f"Pairwise interaction terms: {settings['interactions']} "
        "(interpret never pairs a monotone feature).")
    add("")
    add("Excluded attributes (never features):")
    add("")
    for name, why in sorted(a["excluded_attributes"].items()):
        add(f"- `{name}`: {why}")
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
        f"better). Holdout: {ho['n']} snapshots, {ho['positives']} positive (prevalence "
        f"{_f(ho['prevalence'])}, mean predicted {_f(ho['mean_predicted'])}).")
    add("")
    if rs["auc"] < ho["auc"]:
        why = ("lower than the holdout: it also tests on the early period, when customers had "
               "little payment history yet")
    else:
        why = "higher than the holdout, as random splits that mix periods usually are"
    add(f"Random split by invoice ({rs['n_train']} / {rs['n_test']} snapshots, same settings): "
        f"EBM AUC {_f(rs['auc'])}, baseline AUC {_f(rs['baseline_auc'])}; {why}.")
    add("")
    add("## Calibration (holdout)")
    add("")
    add(f"Equal-count bins of predicted probability; expected calibration error "
        f"{_f(ho['expected_calibration_error'])}.")
    add("")
    add("| bin | n | predicted (range) | mean predicted | observed |")
    add("|---|---|---|---|---|")
    for r in ho["calibration"]:
        add(f"| {r['bin']} | {r['n']} | {_f(r['p_min'])} to {_f(r['p_max'])} | "
            f"{_f(r['mean_predicted'])} | {_f(r['observed_rate'])} |")
    add("")
    add("## Uncertainty")
    add("")
    add(a["uncertainty"]["method"])
    add("")
    add("## Limitations")
    add("")
    for item in (
        "Small and old: about a hundred customers over two years (2012-2013), small amounts "
        f"({a['features'][1]['bounds'][0]:g} to {a['features'][1]['bounds'][1]:g} currency units, "
        "currency unknown). Validate on your own portfolio before relying on it.",
        "Only paid invoices: invoices never paid (bad debt) are not in the data, and invoices "
        "still open when the data was extracted are missing, so late payment is under-represented "
        "towards the end of the period and the model cannot learn non-payment.",
        "No partial payments: `open_amount` equals the invoice amount in training.",
        "The dispute flag carries no date; a dispute raised after a decision date is treated as "
        "known at that date (a possible leak that favours the disputed feature).",
        f"Every invoice in the data was eventually paid (at most {data['max_days_late']} days "
        "late), so the chance of "
        "still being unpaid falls again for very old invoices. That is a selection effect (bad "
        "debts are missing); the monotone constraint on `days_past_due` deliberately keeps the "
        "risk from falling with age, so the model is conservative for long-overdue invoices.",
        "`prior_invoices` grows with calendar time in this data, so it partly encodes the period; "
        "it is binned coarsely to limit this.",
        "Seasonality is binned by quarter; two years of data cannot support month effects.",
        "`countryCode` is excluded as a nationality proxy, but other features may still correlate "
        "with it; no per-country fairness analysis is part of this card.",
    ):
        add(f"- {item}")
    add("")
    add("## Reproduce")
    add("")
    add("Same data (same SHA-256), same settings and library versions give a byte-identical "
        "artifact:")
    add("")
    add("```python")
    add("from explain.training import train_from_ar_history")
    add("from explain import publish_model")
    add(f"artifact, summary = train_from_ar_history(\"{data['file']}\", **settings)")
    add("publish_model(artifact, \"explain/models\", make_default=True)")
    add("```")
    add("")
    add("Settings:")
    add("")
    add("```json")
    add(json.dumps(settings, sort_keys=True, indent=1))
    add("```")
    add("")
    add("Software: " + ", ".join(f"{k} {v}" for k, v in sorted(tr["software"].items())))
    add("")
    return "\n".join(lines)
