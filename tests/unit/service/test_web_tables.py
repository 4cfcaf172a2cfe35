"""Every data cell of a portal or console table names its column (``data-label``), which the
stylesheet shows above the cell when a narrow screen stacks the rows (WCAG 2.1 SC 1.4.10); a
cell spanning the whole row (a "nothing here" row) needs none."""

from __future__ import annotations

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[3] / "service" / "templates"
CELL = re.compile(r"<td\b[^>]*>")


def test_every_table_cell_has_a_data_label() -> None:
    unlabelled, cells = [], 0
    for path in sorted([*TEMPLATES.glob("portal/*.html"), *TEMPLATES.glob("console/*.html")]):
        for tag in CELL.findall(path.read_text("utf-8")):
            cells += 1
            if "data-label=" not in tag and "colspan=" not in tag:
                unlabelled.append(f"{path.relative_to(TEMPLATES)}: {tag}")
    assert cells > 30 and not unlabelled, unlabelled


def test_the_stylesheet_stacks_labelled_cells_on_narrow_screens() -> None:
    css = (TEMPLATES.parent / "static" / "fairdun.css").read_text("utf-8")
    narrow = css[css.index("@media (max-width: 40em)"):]
    assert "td[data-label]::before { content: attr(data-label);" in narrow
    assert re.search(r"table, thead, tbody, tr, th, td[^{]*\{ display: block;", narrow)
