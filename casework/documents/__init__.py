"""Formal notices as PDF, laid out after 党政机关公文格式 GB/T 9704-2012.

- ``layout``: the document model, the HTML/CSS template and WeasyPrint rendering.
- ``notices``: one function per notice, taking a plain dataclass, returning PDF bytes.
- ``from_case``: builds those dataclasses from a case and its events.
"""
