"""Login, the second factor (verify, enrol, new recovery codes), password change, the lockout page."""

from __future__ import annotations

import django_otp
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from casework.security.log import security_event

from . import mfa
from .models import StaffAccount


class CodeForm(forms.Form):
    code = forms.CharField(label=gettext_lazy("验证码"), max_length=16,
                           widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric",
                                                         "autofocus": True}))


class LoginView(auth_views.LoginView):
    template_name = "web/login.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs),
                "demo_mfa_exempt": settings.DEBUG and settings.CASEWORK_DEMO_MFA_EXEMPT}


def locked_out(request, response=None, credentials=None, *args, **kwargs):
    """django-axes' answer after 10 wrong passwords for this username from this client: for an hour."""
    hours = settings.AXES_COOLOFF_TIME.total_seconds() / 3600
    return render(request, "accounts/locked_out.html", {"hours": f"{hours:g}"}, status=429)


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or settings.LOGIN_REDIRECT_URL
    # a control character (a line break aimed at the Location header) is refused outright: the host check
    # alone reads the URL as the browser would after dropping CR/LF and TAB, and would let it through
    if any(ord(c) < 32 or ord(c) == 127 for c in target) or not url_has_allowed_host_and_scheme(
            target, {request.get_host()}, require_https=request.is_secure()):
        return settings.LOGIN_REDIRECT_URL
    return target


@login_required
def mfa_verify(request):
    if not mfa.has_authenticator(request.user):
        return redirect(f"{reverse('mfa_enrol')}?next={_next(request)}")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = mfa.match(request.user, form.cleaned_data["code"])
        if device is not None:
            django_otp.login(request, device)
            recovery = device.name == mfa.RECOVERY_NAME
            security_event("mfa.recovery_used" if recovery else "mfa.verify", request)
            if recovery:
                messages.warning(request, _("您用了一个恢复码，它已作废。剩余恢复码不多时，请在“账号安全”中重新生成。"))
            return redirect(_next(request))
        security_event("mfa.failure", request, warning=True)
        form.add_error("code", _("验证码不正确或已使用，请输入认证器上的 6 位数字，或一个未用过的恢复码。"))
    return render(request, "accounts/mfa_verify.html", {"form": form, "next": _next(request)},
                  status=400 if form.errors else 200)


@login_required
def mfa_enrol(request):
    """First login: set up an authenticator app (every staff account needs one)."""
    if mfa.has_authenticator(request.user):
        return redirect(f"{reverse('mfa_verify')}?next={_next(request)}")
    device = mfa.pending_authenticator(request.user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = mfa.authenticator_confirm(device, form.cleaned_data["code"])
        if codes is not None:
            django_otp.login(request, device)
            security_event("mfa.enrol", request)
            return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": _next(request)})
        security_event("mfa.failure", request, warning=True)
        form.add_error("code", _("验证码不正确：请确认手机时间准确，并输入认证器上当前显示的 6 位数字。"))
    return render(request, "accounts/mfa_enrol.html", {
        "form": form, "qr": mfa.qr_svg(device), "secret": mfa.secret_text(device), "next": _next(request),
    }, status=400 if form.errors else 200)


@login_required
def account(request):
    """账号安全: change the password, make new recovery codes."""
    if not mfa.mfa_satisfied(request.user):
        return redirect(f"{reverse('mfa_verify')}?next={request.path}")
    return render(request, "accounts/account.html", {"has_authenticator": mfa.has_authenticator(request.user)})


@login_required
@require_POST
def recovery_codes_new(request):
    if not mfa.mfa_satisfied(request.user) or not mfa.has_authenticator(request.user):
        return redirect(f"{reverse('mfa_verify')}?next={reverse('account')}")
    codes = mfa.recovery_codes_issue(request.user)
    security_event("mfa.recovery_issued", request)
    return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": reverse("account")})


class PasswordChangeView(auth_views.PasswordChangeView):
    """Re-authentication: the current password, on a session that has passed the second factor."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("home")

    def get_context_data(self, **kwargs):
        from .models import must_change_password

        return {**super().get_context_data(**kwargs), "must_change": must_change_password(self.request.user)}

    def form_valid(self, form):
        response = super().form_valid(form)  # update_session_auth_hash: this session goes on, the others end
        StaffAccount.objects.filter(user=self.request.user).update(must_change_password=False)
        security_event("password.change", self.request)
        messages.success(self.request, _("密码已修改。其他设备上的登录已失效。"))
        return response
