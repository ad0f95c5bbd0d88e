"""The top composes: each app contributes its own urls."""

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from .forms import AccountPasswordResetForm, EmailAuthenticationForm
from .views import account, home, jobs, security

auth_patterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(
            authentication_form=EmailAuthenticationForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path(
        "password/reset/",
        auth_views.PasswordResetView.as_view(
            form_class=AccountPasswordResetForm,
            email_template_name="emails/password_reset.txt",
            subject_template_name="emails/password_reset_subject.txt",
        ),
        name="password_reset",
    ),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]

urlpatterns = [
    path("", home.home, name="home"),
    path("accounts/", include(auth_patterns)),
    path("accounts/profile/", account.account, name="account"),
    path("accounts/profile/email/", security.account_email, name="account_email"),
    path("accounts/two-factor/", security.two_factor_setup, name="two_factor_setup"),
    path("accounts/two-factor/verify/", security.two_factor_verify, name="two_factor_verify"),
    path("language/", account.set_language, name="set_language"),
    path("", include("csa_portal.privacy_urls")),
    path("jobs/<uuid:job_id>/", jobs.job_detail, name="job_detail"),
    path("jobs/<uuid:job_id>/progress/", jobs.job_progress, name="job_progress"),
    path("jobs/<uuid:job_id>/retry/", jobs.job_retry, name="job_retry"),
    path("jobs/<uuid:job_id>/download/", jobs.job_download, name="job_download"),
    path("organizations/", include("organizations.urls")),
    path("communities/", include("learning_communities.urls")),
    path("grants/", include("grants.urls")),
    path("legal/", include("legal_assistance.urls")),
    path("admin/", admin.site.urls),
]

# Benchmark floor pages (bench/run.py): only when BENCH_FLOORS is set, never in production.
if settings.BENCH_FLOORS:
    from .views import bench_floors

    urlpatterns += bench_floors.urlpatterns
