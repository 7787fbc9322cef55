"""An attachment, downloaded: through the case scope and case_view only (uploads.attachment_get),
never shown inline, never sniffed as another type."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _

from casework.cases.errors import NotFound
from casework.cases.uploads import attachment_get


@login_required
def case_attachment(request, case_id: int, attachment_id: int):
    try:
        a = attachment_get(request.user, case_id=case_id, attachment_id=attachment_id)
        stored = a.file.open("rb")
    except (NotFound, FileNotFoundError):
        raise Http404(_("没有找到该附件"))
    response = FileResponse(stored, as_attachment=True, filename=a.original_name, content_type=a.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"  # complaint materials: no copy in any cache
    return response
