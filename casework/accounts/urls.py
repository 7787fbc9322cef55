from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("mfa/", views.mfa_verify, name="mfa_verify"),
    path("mfa/enrol/", views.mfa_enrol, name="mfa_enrol"),
    path("mfa/recovery/", views.recovery_codes_new, name="mfa_recovery_new"),
    path("security/", views.account, name="account"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
]
