from django.conf import settings
from django.db import models


class StaffAccount(models.Model):
    """What an account needs beyond Django's user: a password an administrator reset must be changed at the
    next login (casework/accounts/actions.py)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_account")
    must_change_password = models.BooleanField("下次登录须修改密码", default=False)

    class Meta:
        verbose_name = verbose_name_plural = "账号状态"


def must_change_password(user) -> bool:
    return StaffAccount.objects.filter(user=user, must_change_password=True).exists()
