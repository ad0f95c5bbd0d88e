from django.urls import path

from .views import (
    assessments,
    cbld9,
    directory,
    history,
    imports,
    invitations,
    people,
    plans,
    profile,
    scores,
)

app_name = "organizations"

urlpatterns = [
    path("", directory.directory, name="directory"),
    path("export/", directory.export, name="export"),
    path("options/", directory.organization_options, name="options"),
    path("new/", profile.create, name="create"),
    path("import/", imports.import_upload, name="import"),
    path("import/confirm/", imports.import_confirm, name="import_confirm"),
    path("import/template.csv", imports.import_template, name="import_template"),
    path("invitations/<str:token>/", invitations.accept, name="accept_invitation"),
    path("<int:pk>/", profile.detail, name="detail"),
    path("<int:pk>/edit/", profile.edit, name="edit"),
    path("<int:pk>/history/", history.organization_history, name="history"),
    path("<int:pk>/invite/", invitations.invite, name="invite"),
    path("<int:pk>/people/new/", people.person_add, name="person_add"),
    path("<int:pk>/people/<int:person_pk>/edit/", people.person_edit, name="person_edit"),
    path("<int:pk>/people/<int:person_pk>/delete/", people.person_delete, name="person_delete"),
    # Capacity: assessments, scores
    path("capacity/", scores.capacity_list, name="capacity_list"),
    path("capacity/export/", scores.capacity_export, name="capacity_export"),
    path("capacity/recompute/", scores.recompute_scores, name="recompute_scores"),
    path("capacity/cbld9/", cbld9.cbld9_page, name="cbld9"),
    path("capacity/cbld9/export/", cbld9.cbld9_export, name="cbld9_export"),
    path("<int:pk>/scores/", scores.organization_scores_page, name="scores"),
    path("<int:pk>/assessments/", assessments.assessment_list, name="assessments"),
    path("<int:pk>/assessments/new/", assessments.assessment_start, name="assessment_start"),
    path("assessments/<int:assessment_pk>/", assessments.assessment_detail, name="assessment"),
    path(
        "assessments/<int:assessment_pk>/history/",
        history.assessment_history,
        name="assessment_history",
    ),
    path(
        "assessments/<int:assessment_pk>/areas/<int:area_pk>/",
        assessments.assessment_area,
        name="assessment_area",
    ),
    path(
        "assessments/<int:assessment_pk>/submit/",
        assessments.assessment_submit,
        name="assessment_submit",
    ),
    path(
        "assessments/<int:assessment_pk>/validate/",
        assessments.assessment_validate,
        name="assessment_validate",
    ),
    path(
        "assessments/<int:assessment_pk>/reopen/",
        assessments.assessment_reopen,
        name="assessment_reopen",
    ),
    path(
        "assessments/<int:assessment_pk>/evidence/<int:rating_pk>/",
        assessments.evidence_download,
        name="evidence",
    ),
    # Improvement plans
    path("<int:pk>/plans/", plans.plan_list, name="plans"),
    path("<int:pk>/plans/new/", plans.plan_create, name="plan_create"),
    path("plans/<int:plan_pk>/", plans.plan_detail, name="plan"),
    path("plans/<int:plan_pk>/history/", history.plan_history, name="plan_history"),
    path("plans/<int:plan_pk>/accept/", plans.plan_accept, name="plan_accept"),
    path("plans/<int:plan_pk>/goals/new/", plans.goal_form, name="goal_add"),
    path("plans/<int:plan_pk>/goals/<int:goal_pk>/", plans.goal_form, name="goal_edit"),
    path("plans/<int:plan_pk>/goals/<int:goal_pk>/delete/", plans.goal_delete, name="goal_delete"),
    path("plans/<int:plan_pk>/actions/new/", plans.action_form, name="action_add"),
    path("plans/<int:plan_pk>/actions/<int:action_pk>/", plans.action_form, name="action_edit"),
    path(
        "plans/<int:plan_pk>/actions/<int:action_pk>/delete/",
        plans.action_delete,
        name="action_delete",
    ),
    path(
        "plans/<int:plan_pk>/actions/<int:action_pk>/status/",
        plans.action_status,
        name="action_status",
    ),
]
