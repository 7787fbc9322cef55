"""A document that cannot be printed gets a clear page in Chinese, never a 500 with a traceback.

Every page that serves a PDF (the staff workspace, the portal, mediation agreements) renders
through ``layout.render_pdf``; this turns its refusals into an error page: 503 when a font is
missing or lacks a character (the server must be fixed), 422 when the record cannot make the
notice (a value the notice needs is missing).
"""

from __future__ import annotations

from django.shortcuts import render

from .fonts import FontProblem
from .notices import NoticeError


class DocumentErrorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, FontProblem):
            status, reason = 503, exception.message
        elif isinstance(exception, NoticeError):
            status, reason = 422, str(exception)
        else:
            return None
        return render(request, "documents/unavailable.html", {"reason": reason}, status=status)
