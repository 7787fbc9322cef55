"""Cells for spreadsheets: text a spreadsheet program would run as a formula is kept as text.

A title such as ``=HYPERLINK("http://…","点此")`` or ``@SUM(…)`` typed by a complainant becomes, in an
exported file opened in Excel or WPS, a formula that runs on the official's machine (OWASP "CSV
injection"). Every export writes its cells through ``spreadsheet_cell``.
"""

from __future__ import annotations

# What starts a formula (or a DDE payload) in Excel, LibreOffice and WPS, the full-width forms an
# input method gives included.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


def spreadsheet_cell(value) -> str:
    """The value as a cell's text; one that would start a formula gets a leading apostrophe, which
    spreadsheet programs read as "this is text" and do not show."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text
