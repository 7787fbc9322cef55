"""The administrator's reset of another's password, from the user list of the admin site, with
re-authentication: the administrator types their own password again before it happens."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.template.response import TemplateResponse

from .actions import account_reset_password

User = get_user_model()


class ReauthForm(forms.Form):
    password = forms.CharField(label="您的密码", widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))


@admin.action(description="重置密码（下次登录须修改）", permissions=["change"])
def reset_password(modeladmin, request, queryset):
    form = ReauthForm(request.POST if "reauth" in request.POST else None)
    if form.is_valid():
        if request.user.check_password(form.cleaned_data["password"]):
            for user in queryset:
                temporary = account_reset_password(actor_id=request.user.pk, user=user, request=request)
                messages.warning(request, f"{user.username} 的临时密码：{temporary}（只显示这一次，当面交给本人）")
            return None
        form.add_error("password", "密码不正确")
    return TemplateResponse(request, "accounts/admin_reset.html", {
        **modeladmin.admin_site.each_context(request), "form": form, "users": queryset,
        "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME, "title": "重置密码",
    })


class StaffUserAdmin(UserAdmin):
    actions = [reset_password]


if admin.site.is_registered(User):
    admin.site.unregister(User)
admin.site.register(User, StaffUserAdmin)
