"""Score a CSV file with a model artifact: per input row, in order, ``p_late``, ``uncertainty``
and ``reasons`` (so a user can check a model on their own holdout).

The input has a column per model feature (other columns are ignored unless kept); an empty cell
is a missing value; numeric features need numbers, categorical ones take any text. ``reasons``
lists up to four terms in the order of ``explain.reasons`` (raising the risk first, largest
first), each as ``name=value (+contribution)`` in log odds, separated by ``; ``.
"""

from __future__ import annotations

import csv
import math
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from explain._errors import ModelError
from explain._model import Model, Score
from explain.reasons import _ordered

__all__ = ["score_csv", "reasons_cell"]

_LIMIT = 4


def _fail(message: str) -> ModelError:
    return ModelError(message)


def _cell(model: Model, name: str, text: str, where: str) -> Any:
    text = text.strip()
    if text == "":
        return None
    if model.categories(name) is not None:
        return text
    try:
        x = float(text)
    except ValueError:
        raise _fail(f"{where}: column {name!r} needs a number, got {text!r}") from None
    if math.isnan(x):
        return None
    return int(x) if x.is_integer() and abs(x) < 2**53 else x


def _value(v: Any) -> str:
    return "missing" if v is None else f"{v:g}" if isinstance(v, float) else str(v)


def reasons_cell(score: Score, limit: int = _LIMIT) -> str:
    parts = []
    for c in _ordered(score.contributions)[:limit]:
        values = ", ".join(_value(v) for v in c.values)
        parts.append(f"{c.term}={values} ({c.contribution:+.6f})")
    return "; ".join(parts)


def score_csv(model: Model, csv_path: str | os.PathLike[str], out_path: str | os.PathLike[str],
              keep: Sequence[str] = ()) -> dict[str, Any]:
    """Write the scores of every row of ``csv_path`` to ``out_path``; returns a summary."""
    path = Path(csv_path)
    with path.open(newline="", encoding="utf-8-sig") as f:
        reader = csv.DictReader(f)
        header = reader.fieldnames or []
        missing = [n for n in (*model.feature_names, *keep) if n not in header]
        if missing:
            raise _fail(f"{path.name}: missing columns {missing}")
        rows, kept = [], []
        for line, row in enumerate(reader, start=2):
            if None in row or any(v is None for v in row.values()):
                raise _fail(f"{path.name}:{line}: the row does not have {len(header)} cells")
            where = f"{path.name}:{line}"
            rows.append({n: _cell(model, n, row[n], where) for n in model.feature_names})
            kept.append([row[k] for k in keep])
    scores = model.score_many(rows)
    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    with tmp.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow([*keep, "p_late", "uncertainty", "reasons"])
        for values, s in zip(kept, scores, strict=False):
            writer.writerow([*values, repr(s.p_late), repr(s.uncertainty), reasons_cell(s)])
    os.replace(tmp, out)
    return {"model_id": model.id, "sha256": model.sha256, "rows": len(scores), "out": str(out),
            "out_of_range_rows": sum(1 for s in scores if s.out_of_range)}
