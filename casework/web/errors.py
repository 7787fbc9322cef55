"""The pages a person sees when something goes wrong: 400, 403 (and a refused CSRF token), 404, 500.

In Chinese (English when chosen), with a way back and nothing of the internals: no
exception text, no path patterns, no traceback. The portal's visitors get the
portal's look; the API and Open311 get JSON as the rest of their answers. The 500
page is rendered without the request's context processors, so that it does not
touch the database that may be what failed.
"""

from __future__ import annotations

from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

PAGES = {
    400: (gettext_lazy("请求有误"), gettext_lazy("您提交的内容无法处理。请返回上一页检查后重试。")),
    403: (gettext_lazy("无权访问"), gettext_lazy("您没有访问此页面的权限。如需办理，请联系本单位的系统管理员。")),
    404: (gettext_lazy("页面不存在"), gettext_lazy("没有找到您要访问的页面或案件，可能地址有误，或您没有查看它的权限。")),
    500: (gettext_lazy("系统出错"), gettext_lazy("系统暂时无法处理您的请求，错误已记录。请稍后再试；如一直出错，请联系本单位的系统管理员。")),
}
PORTAL_TEXT = {
    403: gettext_lazy("您没有访问此页面的权限。查询案件请凭案件编号和查询码。"),
    404: gettext_lazy("没有找到您要访问的页面。查询案件请凭案件编号和查询码。"),
}
JSON_CODES = {400: "bad_request", 403: "forbidden", 404: "not_found", 500: "server_error"}


def _page(request, status: int, text=None, title=None) -> HttpResponse:
    path = request.path if request is not None else ""
    heading, body = PAGES[status]
    if path.startswith(("/api/", "/open311/")):
        message = f"{title or heading}：{text or body}"
        if path.startswith("/open311/"):
            return JsonResponse([{"code": status, "description": message}], status=status, safe=False,
                                json_dumps_params={"ensure_ascii": False})
        return JsonResponse({"code": JSON_CODES[status], "message": message, "field": None}, status=status,
                            json_dumps_params={"ensure_ascii": False})
    portal = path.startswith("/portal/")
    if portal and status in PORTAL_TEXT and text is None:
        text = PORTAL_TEXT[status]
    html = loader.get_template("errors/page.html").render({
        "status": status, "title": title or heading, "text": text or body, "portal": portal,
    })
    return HttpResponse(html, status=status)


def bad_request(request, exception=None):
    return _page(request, 400)


def permission_denied(request, exception=None):
    return _page(request, 403)


def page_not_found(request, exception=None):
    return _page(request, 404)


def server_error(request):
    return _page(request, 500)


def csrf_failure(request, reason=""):
    """The form's security token was missing or stale (an old tab, cookies off): say what to do."""
    return _page(request, 403, title=_("页面已过期"),
                 text=_("表单已过期，或浏览器没有保存 Cookie。请返回上一页，刷新后重新提交。"))
