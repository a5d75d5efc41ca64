from django.contrib.auth import views as auth_views
from django.urls import path

from . import second_factor, views
from .codes import PhoneOrAccountForm

urlpatterns = [
    path("", views.home, name="home"),
    # Five wrong passwords lock the account for fifteen minutes (yishi/core/lockout.py).
    path("login/", views.SignInView.as_view(
        template_name="portal/login.html", authentication_form=PhoneOrAccountForm),
        name="login"),
    # Residents: a code texted to the number on the register (codes.py).
    path("login/code/", views.code_sign_in, name="code_sign_in"),
    # Administrators and the Django admin: a code from an authenticator app (second_factor.py).
    path("two-factor/", second_factor.second_factor, name="second_factor"),
    path("healthz/", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("session/keepalive/", views.session_keepalive, name="session_keepalive"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", views.PasswordChangeView.as_view(
        template_name="portal/password_change.html"), name="password_change"),
    path("password/new/", views.NewPasswordView.as_view(), name="password_new"),
    path("password/done/", auth_views.PasswordChangeDoneView.as_view(
        template_name="portal/password_change_done.html"), name="password_change_done"),
    path("me/", views.me, name="me"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read/", views.notifications_read, name="notifications_read"),
    path("notifications/<id:pk>/open/", views.notification_open, name="notification_open"),
]
