"""Formal notices as PDF, laid out after 党政机关公文格式 GB/T 9704-2012, issued once and reprinted as issued.

- ``layout``: the document model, the HTML/CSS template and WeasyPrint rendering.
- ``fonts``: which configured fonts are installed and what they cover; no PDF with a missing glyph.
- ``notices``: one function per notice, taking a plain dataclass, returning PDF bytes.
- ``from_case``: builds those dataclasses from a case and the event each reports.
- ``models``, ``issuing``, ``snapshot``: a notice issued on the day of the act, numbered, its content kept.
- ``catalogue``: what a case lists, and the PDFs the workspace and the portal serve.
"""
