from django.urls import path

from .views import privacy

urlpatterns = [
    path("privacy/", privacy.privacy_notice, name="privacy_notice"),
    path("privacy/accept/", privacy.privacy_notice_accept, name="privacy_notice_accept"),
    path("privacy/requests/", privacy.data_request_queue, name="data_request_queue"),
    path(
        "privacy/requests/<int:pk>/review/",
        privacy.data_request_review,
        name="data_request_review",
    ),
    path(
        "privacy/requests/<int:pk>/execute/",
        privacy.data_request_execute,
        name="data_request_execute",
    ),
    path("accounts/privacy/", privacy.privacy_settings, name="privacy_settings"),
    path("accounts/privacy/download/", privacy.privacy_download, name="privacy_download"),
    path("accounts/privacy/requests/new/", privacy.data_request_new, name="data_request_new"),
    path(
        "accounts/privacy/requests/<int:pk>/",
        privacy.data_request_detail,
        name="data_request_detail",
    ),
]
