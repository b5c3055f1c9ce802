from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from dashboard import views
from dashboard.access import member_required, public

urlpatterns = [
    path("", views.home, name="home"),
    path("members/", views.members, name="members"),
    path("members/invite/", views.invite_member, name="invite_member"),
    path("members/<int:user_id>/role/", views.change_role, name="change_role"),
    path("members/<int:user_id>/active/", views.set_active, name="set_member_active"),
    path("accounts/invite/<uidb64>/<token>/", views.accept_invite, name="accept_invite"),
    path("accounts/login/", public(auth_views.LoginView.as_view(redirect_authenticated_user=True)), name="login"),
    path("accounts/logout/", public(auth_views.LogoutView.as_view()), name="logout"),
    path(
        "accounts/password/change/",
        member_required(auth_views.PasswordChangeView.as_view()),
        name="password_change",
    ),
    path(
        "accounts/password/change/done/",
        member_required(auth_views.PasswordChangeDoneView.as_view()),
        name="password_change_done",
    ),
    path("accounts/password/reset/", public(auth_views.PasswordResetView.as_view()), name="password_reset"),
    path(
        "accounts/password/reset/done/",
        public(auth_views.PasswordResetDoneView.as_view()),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        public(auth_views.PasswordResetConfirmView.as_view(success_url=reverse_lazy("password_reset_complete"))),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/",
        public(auth_views.PasswordResetCompleteView.as_view()),
        name="password_reset_complete",
    ),
]
