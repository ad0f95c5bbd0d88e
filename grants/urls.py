from django.urls import path

from .views import applications, files, grants, portfolio, reports, reviews

app_name = "grants"

urlpatterns = [
    # Program-wide pages for staff
    path("", portfolio.portfolio_page, name="portfolio"),
    path("export/", portfolio.portfolio_export, name="portfolio_export"),
    path("applications/", applications.queue, name="queue"),
    # An organization's applications and grants
    path("organizations/<int:pk>/", applications.organization_grants_page, name="organization"),
    path("organizations/<int:pk>/apply/", applications.application_create, name="apply"),
    # Applications
    path("applications/<int:pk>/", applications.application_detail, name="application"),
    path("applications/<int:pk>/edit/", applications.application_edit, name="application_edit"),
    path(
        "applications/<int:pk>/submit/",
        applications.application_submit,
        name="application_submit",
    ),
    path(
        "applications/<int:pk>/files/<int:file_pk>/",
        files.application_file,
        name="application_file",
    ),
    path(
        "applications/<int:pk>/files/<int:file_pk>/delete/",
        applications.attachment_delete,
        name="application_file_delete",
    ),
    path("applications/<int:pk>/review/", reviews.review, name="review"),
    path("applications/<int:pk>/return/", reviews.return_application, name="return"),
    path("applications/<int:pk>/decline/", reviews.decline, name="decline"),
    path("applications/<int:pk>/award/", reviews.award, name="award"),
    # Grants
    path("<int:pk>/", grants.grant_detail, name="grant"),
    path("<int:pk>/history/", grants.grant_history, name="grant_history"),
    path("<int:pk>/close/", grants.close, name="close"),
    path("<int:pk>/terminate/", grants.terminate, name="terminate"),
    path(
        "<int:pk>/tranches/<int:tranche_pk>/release/",
        grants.tranche_release,
        name="tranche_release",
    ),
    path("<int:pk>/tranches/<int:tranche_pk>/pay/", grants.tranche_pay, name="tranche_pay"),
    path("<int:pk>/reports/<int:report_pk>/", reports.report_detail, name="report"),
    path("<int:pk>/reports/<int:report_pk>/review/", reports.report_review, name="report_review"),
    path(
        "<int:pk>/reports/<int:report_pk>/reschedule/",
        reports.reschedule,
        name="report_reschedule",
    ),
    path(
        "<int:pk>/reports/<int:report_pk>/files/<int:file_pk>/",
        files.report_file,
        name="report_file",
    ),
]
