from django.urls import path

from .views import communities, events, network, reports, results

app_name = "learning_communities"

urlpatterns = [
    path("", communities.community_list, name="list"),
    path("new/", communities.community_create, name="create"),
    path("<int:pk>/", communities.community_detail, name="detail"),
    path("<int:pk>/edit/", communities.community_edit, name="edit"),
    path("<int:pk>/members/", communities.members, name="members"),
    path(
        "<int:pk>/members/<int:membership_pk>/end/",
        communities.member_end,
        name="member_end",
    ),
    path(
        "<int:pk>/organizations/<int:organization_pk>/",
        communities.member_profile,
        name="member_profile",
    ),
    # Events
    path("<int:pk>/events/new/", events.event_create, name="event_create"),
    path("events/<int:event_pk>/", events.event_detail, name="event"),
    path("events/<int:event_pk>/edit/", events.event_edit, name="event_edit"),
    path("events/<int:event_pk>/delete/", events.event_delete, name="event_delete"),
    path("events/<int:event_pk>/agenda/", events.agenda_propose, name="agenda_propose"),
    path(
        "events/<int:event_pk>/agenda/<int:item_pk>/decide/",
        events.agenda_decide,
        name="agenda_decide",
    ),
    path("events/<int:event_pk>/facilitators/", events.facilitator_add, name="facilitator_add"),
    path(
        "events/<int:event_pk>/facilitators/<int:facilitator_pk>/remove/",
        events.facilitator_remove,
        name="facilitator_remove",
    ),
    path("events/<int:event_pk>/attendance/", events.attendance, name="attendance"),
    path("events/<int:event_pk>/notes/", events.note_add, name="note_add"),
    path("events/<int:event_pk>/follow-ups/", events.follow_up_add, name="follow_up_add"),
    path(
        "events/<int:event_pk>/follow-ups/<int:action_pk>/status/",
        events.follow_up_status,
        name="follow_up_status",
    ),
    # Goals, alliances, resources, outcomes
    path("<int:pk>/goals/new/", results.goal_create, name="goal_create"),
    path("goals/<int:goal_pk>/", results.goal_detail, name="goal"),
    path("goals/<int:goal_pk>/edit/", results.goal_edit, name="goal_edit"),
    path("goals/<int:goal_pk>/progress/", results.progress_add, name="progress_add"),
    path("<int:pk>/alliances/new/", results.alliance_create, name="alliance_create"),
    path("alliances/<int:alliance_pk>/edit/", results.alliance_edit, name="alliance_edit"),
    path("<int:pk>/resources/new/", results.resource_share, name="resource_share"),
    path("resources/<int:resource_pk>/file/", results.resource_file, name="resource_file"),
    path("resources/<int:resource_pk>/edit/", results.resource_edit, name="resource_edit"),
    path("resources/<int:resource_pk>/delete/", results.resource_delete, name="resource_delete"),
    path("<int:pk>/outcomes/new/", results.outcome_create, name="outcome_create"),
    path("outcomes/<int:outcome_pk>/edit/", results.outcome_edit, name="outcome_edit"),
    path("outcomes/<int:outcome_pk>/delete/", results.outcome_delete, name="outcome_delete"),
    path("outcomes/<int:outcome_pk>/evidence/", results.outcome_evidence, name="outcome_evidence"),
    path("collaborations/new/", results.collaboration_create, name="collaboration_create"),
    path(
        "collaborations/<int:collaboration_pk>/edit/",
        results.collaboration_edit,
        name="collaboration_edit",
    ),
    path(
        "collaborations/<int:collaboration_pk>/delete/",
        results.collaboration_delete,
        name="collaboration_delete",
    ),
    # Network
    path("<int:pk>/network/", network.community_network, name="network"),
    path("program/", network.program, name="program"),
    path("program/network/", network.program_network_start, name="program_network"),
    # Reports
    path("<int:pk>/reports/", reports.community_reports, name="reports"),
    path("program/reports/", reports.program_reports, name="program_reports"),
    path("reports/<int:report_pk>/", reports.report_detail, name="report"),
    path("reports/<int:report_pk>/pdf/", reports.report_pdf, name="report_pdf"),
    path("reports/<int:report_pk>/xlsx/", reports.report_xlsx, name="report_xlsx"),
]
