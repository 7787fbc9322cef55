"""Fixtures for the notice tests: every sample notice rendered once, and the PDF inspection helpers."""

from __future__ import annotations

import io
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.test import override_settings

sys.path.insert(0, str(Path(__file__).resolve().parent))  # notice_samples.py, notice_pdf.py

from notice_samples import samples  # noqa: E402

from casework.documents.notices import render_notice  # noqa: E402

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "notices"


@dataclass
class Rendered:
    name: str
    data: object
    pdf: bytes

    @property
    def reader(self):
        from pypdf import PdfReader

        return PdfReader(io.BytesIO(self.pdf))

    def text(self, page: int | None = None, *, page_numbers: bool = False) -> str:
        """Extracted text with all whitespace removed (line breaks fall anywhere in Chinese), without the
        page numbers (they land between the last line of a page and the first of the next)."""
        pages = self.reader.pages if page is None else [self.reader.pages[page]]
        text = re.sub(r"\s+", "", "".join(p.extract_text() for p in pages))
        return text if page_numbers else re.sub(r"—\d+—", "", text)


@pytest.fixture(scope="session")
def rendered() -> dict[str, Rendered]:
    return {name: Rendered(name, data, render_notice(data)) for name, data in samples().items()}


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="module", autouse=True)
def fast_password_hashing():
    """The shared ``world`` creates ~20 users; the production hasher spends ~0.4 s on each."""
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield
