import csv

import pytest

from explain import FEATURE_NAMES, ModelError
from explain.reasons import principal_reasons
from explain.scoring_csv import score_csv


def _write(path, rows, extra=("ref",)):
    with path.open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=[*extra, *FEATURE_NAMES])
        writer.writeheader()
        writer.writerows(rows)
    return path


def _rows():
    base = {"ref": "", "days_past_due": "22", "prior_late_ratio": "0.25", "prior_avg_days_late": "4.5",
            "paperless": "1"}
    return [base | {"ref": "a"}, base | {"ref": "b", "paperless": "0", "days_past_due": "-3"},
            base | {"ref": "c", "prior_late_ratio": "", "prior_avg_days_late": ""}]


def test_every_row_is_scored_in_order(model, tmp_path):
    source = _write(tmp_path / "in.csv", _rows())
    summary = score_csv(model, source, tmp_path / "out.csv", keep=["ref"])
    assert summary["rows"] == 3 and summary["model_id"] == model.id
    with (tmp_path / "out.csv").open(newline="") as f:
        out = list(csv.DictReader(f))
    assert [r["ref"] for r in out] == ["a", "b", "c"]
    assert list(out[0]) == ["ref", "p_late", "uncertainty", "reasons"]
    for row, got in zip(_rows(), out, strict=False):
        features = {n: (None if row[n] == "" else float(row[n])) for n in FEATURE_NAMES}
        score = model.score(features)
        assert float(got["p_late"]) == score.p_late and float(got["uncertainty"]) == score.uncertainty
        expected = "; ".join(f"{r['feature']}={_shown(r['value'])} ({r['contribution']:+.6f})"
                             for r in principal_reasons(score, limit=4))
        assert got["reasons"] == expected


def _shown(value):
    return "missing" if value is None else f"{value:g}"


def test_bad_cells_and_missing_columns_are_named(model, tmp_path):
    bad = _write(tmp_path / "bad.csv", [_rows()[0] | {"prior_avg_days_late": "lots"}])
    with pytest.raises(ModelError, match=r"bad.csv:2: column 'prior_avg_days_late' needs a number"):
        score_csv(model, bad, tmp_path / "out.csv")
    partial = tmp_path / "partial.csv"
    partial.write_text("days_past_due,paperless\n1,2\n")
    with pytest.raises(ModelError, match="missing columns"):
        score_csv(model, partial, tmp_path / "out.csv")
    assert not (tmp_path / "out.csv").exists()
