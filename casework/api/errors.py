"""Every error the API returns is JSON: a machine ``code`` and a human ``message`` (and ``field``)."""

from django.core.exceptions import RequestDataTooBig
from django.http import Http404
from ninja.errors import AuthenticationError, HttpError, ValidationError

from casework.cases.errors import CaseworkError


def install(api) -> None:
    def respond(request, status, code, message, field=None, **extra):
        return api.create_response(request, {"code": code, "message": message, "field": field, **extra}, status=status)

    @api.exception_handler(CaseworkError)
    def domain(request, exc: CaseworkError):
        return respond(request, exc.status, exc.code, exc.message, exc.field)

    @api.exception_handler(ValidationError)
    def validation(request, exc: ValidationError):
        errors = [
            {"field": ".".join(str(p) for p in e.get("loc", ())[1:]) or None, "message": e.get("msg", "")}
            for e in exc.errors
        ]
        first = errors[0] if errors else {"field": None, "message": ""}
        if exc.errors and exc.errors[0].get("type") == "too_long":  # names the field and its limit already
            return respond(request, 422, "too_long", first["message"], first["field"], errors=errors)
        return respond(request, 422, "invalid", f"请求数据不正确：{first['field'] or ''} {first['message']}".strip(),
                       first["field"], errors=errors)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request, exc):
        return respond(request, 401, "unauthenticated", "缺少或无效的接口令牌（Authorization: Bearer ...）")

    @api.exception_handler(HttpError)
    def http_error(request, exc: HttpError):
        cause = exc.__cause__
        if isinstance(cause, RequestDataTooBig):
            return respond(request, 413, "too_large", "请求数据过大")
        if exc.status_code == 400:
            return respond(request, 400, "malformed", "请求体不是有效的 JSON")
        return respond(request, exc.status_code, "error", str(exc))

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return respond(request, 404, "not_found", "没有找到")
