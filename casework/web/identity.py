"""The complainant's identity in full on request (an event), and, for a supervisor, who asked (PIPL Art 51)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from casework.cases import actions as A
from casework.cases.access import case_get
from casework.cases.errors import Forbidden, NotFound
from casework.cases.selectors import identity_views


@login_required
@require_POST
@never_cache
def case_identity(request, case_id: int):
    """显示: the names, addresses and phones in full; the asking is recorded (who, when, which case)."""
    try:
        parties = A.case_identity_reveal(request.user, case_id=case_id)
    except NotFound:
        raise Http404(_("没有找到该案件")) from None
    except Forbidden as e:
        raise PermissionDenied(e.message) from None
    case = case_get(request.user, case_id=case_id)
    template = "web/_identity.html" if request.htmx else "web/identity.html"
    return render(request, template, {"case": case, "parties": parties, "revealed": True})


@login_required
@require_GET
def case_identity_views(request, case_id: int):
    """Who was shown this complainant's identity, and when: for the case's supervisors."""
    try:
        case = case_get(request.user, case_id=case_id)
        views = list(identity_views(request.user, case))
    except NotFound:
        raise Http404(_("没有找到该案件")) from None
    except Forbidden as e:
        raise PermissionDenied(e.message) from None
    return render(request, "web/identity_views.html", {"case": case, "views": views})
