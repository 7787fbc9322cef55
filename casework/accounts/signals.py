"""The security log's records of what Django and django-axes announce: logins, failures, lockouts, logouts,
and changes of memberships (roles). Logging only: no business flow hangs on these receivers."""

from __future__ import annotations

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from casework.organisation.models import Membership
from casework.security.log import security_event

from .middleware import session_start


@receiver(user_logged_in, dispatch_uid="casework.accounts.logged_in")
def _logged_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        session_start(request)
    security_event("login.success", request, user_id=user.pk)


@receiver(user_login_failed, dispatch_uid="casework.accounts.login_failed")
def _login_failed(sender, credentials, request=None, **kwargs):
    security_event("login.failure", request, username=credentials.get("username", ""), warning=True)


@receiver(user_locked_out, dispatch_uid="casework.accounts.locked_out")
def _locked_out(sender, request, username, ip_address, **kwargs):
    security_event("login.lockout", request, username=username or "", warning=True)


@receiver(user_logged_out, dispatch_uid="casework.accounts.logged_out")
def _logged_out(sender, request, user, **kwargs):
    security_event("logout", None, user_id=getattr(user, "pk", None))


@receiver(post_save, sender=Membership, dispatch_uid="casework.accounts.membership_saved")
def _membership_saved(sender, instance, created, **kwargs):
    security_event("membership.change", change="added" if created else "changed", target_user_id=instance.user_id,
                   unit_id=instance.unit_id, role=instance.role)


@receiver(post_delete, sender=Membership, dispatch_uid="casework.accounts.membership_deleted")
def _membership_deleted(sender, instance, **kwargs):
    security_event("membership.change", change="removed", target_user_id=instance.user_id, unit_id=instance.unit_id,
                   role=instance.role)
