from django.urls import path

from .views import cases, compliance, lists, network, reports

app_name = "legal_assistance"

urlpatterns = [
    path("", lists.desk, name="desk"),
    path("cases/", lists.case_list, name="case_list"),
    path("my-cases/", lists.my_cases, name="my_cases"),
    path("access-log/", lists.access_log, name="access_log"),
    path("organizations/<int:pk>/", lists.organization_cases, name="organization_cases"),
    path("organizations/<int:pk>/request/", lists.request_help, name="request"),
    path("cases/<int:pk>/", cases.case_detail, name="case"),
    path("cases/<int:pk>/history/", cases.case_history, name="case_history"),
    path("cases/<int:pk>/triage/", cases.triage, name="triage"),
    path("cases/<int:pk>/more-info/", cases.more_info, name="more_info"),
    path("cases/<int:pk>/match/", cases.match, name="match"),
    path("cases/<int:pk>/respond/", cases.respond, name="respond"),
    path("cases/<int:pk>/hours/", cases.log_hours, name="log_hours"),
    path("cases/<int:pk>/notes/", cases.add_note, name="add_note"),
    path("cases/<int:pk>/messages/", cases.add_message, name="add_message"),
    path("cases/<int:pk>/documents/", cases.add_document, name="add_document"),
    path(
        "cases/<int:pk>/documents/<int:document_pk>/",
        cases.document_download,
        name="document",
    ),
    path("cases/<int:pk>/milestones/", cases.add_milestone, name="add_milestone"),
    path("cases/<int:pk>/resolve/", cases.resolve, name="resolve"),
    path("cases/<int:pk>/close/", cases.close, name="close"),
    # The network
    path("firms/", network.firm_list, name="firms"),
    path("firms/new/", network.firm_create, name="firm_create"),
    path("firms/<int:pk>/", network.firm_detail, name="firm"),
    path("firms/<int:pk>/edit/", network.firm_edit, name="firm_edit"),
    path("firms/<int:pk>/lawyers/new/", network.lawyer_add, name="lawyer_add"),
    path("lawyers/<int:pk>/edit/", network.lawyer_edit, name="lawyer_edit"),
    # Reports and compliance
    path("reports/", reports.report_page, name="reports"),
    path("reports/export/", reports.report_export, name="report_export"),
    path("compliance/", compliance.overview, name="compliance_overview"),
    path("organizations/<int:pk>/compliance/", compliance.checklist, name="checklist"),
    path(
        "organizations/<int:pk>/compliance/<int:item_pk>/",
        compliance.checklist_item,
        name="checklist_item",
    ),
]
