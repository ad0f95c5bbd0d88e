"""Improvement plans: the CSO and the program agree goals and actions, then track them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from csa_portal.rendering import render

from ..access import (
    get_action_for_user,
    get_goal_for_user,
    get_organization_for_user,
    get_plan_for_user,
)
from ..forms_plans import ActionForm, ActionStatusForm, GoalForm, PlanForm
from ..plan_progress import goal_progress, plan_actions
from ..services.plans import (
    CSO,
    STAFF,
    PlanError,
    accept_plan,
    create_plan,
    remove_action,
    remove_goal,
    save_action,
    save_goal,
    set_action_status,
    side_of,
)


@require_safe
@login_required
def plan_list(request, pk):
    organization = get_organization_for_user(request, pk)
    plans = organization.improvement_plans.select_related("assessment__framework").order_by(
        "-created_at"
    )
    return render(
        request,
        "organizations/plans/list.html",
        {
            "organization": organization,
            "plans": list(plans),
            "can_create": request.user.has_perm("organizations.edit_plan", organization),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def plan_create(request, pk):
    organization = get_organization_for_user(request, pk, perm="organizations.edit_plan")
    form = PlanForm(request.POST or None, organization=organization)
    if request.method == "POST" and form.is_valid():
        try:
            plan = create_plan(
                assessment=form.cleaned_data["assessment"],
                title=form.cleaned_data["title"],
                created_by=request.user,
            )
        except PlanError as exc:
            form.add_error("assessment", str(exc))
        else:
            messages.success(request, _("The plan was created. Add its goals and actions."))
            return redirect("organizations:plan", plan.pk)
    return render(
        request, "organizations/plans/create.html", {"form": form, "organization": organization}
    )


@require_safe
@login_required
def plan_detail(request, plan_pk):
    plan = get_plan_for_user(request, plan_pk)
    user = request.user
    can_edit = user.has_perm("organizations.edit_plan", plan.organization)
    my_side = side_of(user) if can_edit else ""
    agreed_by_me = (my_side == STAFF and plan.staff_agreed_at) or (
        my_side == CSO and plan.cso_agreed_at
    )
    return render(
        request,
        "organizations/plans/detail.html",
        {
            "plan": plan,
            "organization": plan.organization,
            "goals": goal_progress(plan),
            "actions": plan_actions(plan),
            "can_edit": can_edit,
            "can_accept": can_edit and not agreed_by_me,
            "can_report": user.has_perm("organizations.report_action_progress", plan.organization),
            "status_choices": ActionStatusForm.base_fields["status"].choices,
            "goal_form": GoalForm(plan=plan) if can_edit else None,
            "action_form": ActionForm(plan=plan) if can_edit else None,
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def goal_form(request, plan_pk, goal_pk=None):
    """Add a goal (no goal_pk) or change one."""
    if goal_pk is None:
        plan, goal = get_plan_for_user(request, plan_pk, perm="organizations.edit_plan"), None
    else:
        goal = get_goal_for_user(request, plan_pk, goal_pk)
        plan = goal.plan
    form = GoalForm(request.POST or None, instance=goal, plan=plan)
    if request.method == "POST" and form.is_valid():
        try:
            save_goal(plan=plan, goal=goal, by=request.user, **form.cleaned_data)
        except PlanError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The goal was saved. The other side is asked to agree."))
            return redirect("organizations:plan", plan.pk)
    return render(
        request,
        "organizations/plans/item_form.html",
        {
            "form": form,
            "plan": plan,
            "organization": plan.organization,
            "item": goal,
            "heading": _("Goal"),
        },
    )


@require_POST
@login_required
def goal_delete(request, plan_pk, goal_pk):
    goal = get_goal_for_user(request, plan_pk, goal_pk)
    remove_goal(goal=goal, by=request.user)
    messages.success(request, _("The goal was removed. The other side is asked to agree."))
    return redirect("organizations:plan", plan_pk)


@require_http_methods(["GET", "POST"])
@login_required
def action_form(request, plan_pk, action_pk=None):
    """Add an action (no action_pk) or change one."""
    if action_pk is None:
        plan, action = get_plan_for_user(request, plan_pk, perm="organizations.edit_plan"), None
    else:
        action = get_action_for_user(request, plan_pk, action_pk)
        plan = action.plan
    form = ActionForm(request.POST or None, instance=action, plan=plan)
    if request.method == "POST" and form.is_valid():
        try:
            save_action(plan=plan, action=action, fields=form.cleaned_data, by=request.user)
        except PlanError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The action was saved. The other side is asked to agree."))
            return redirect("organizations:plan", plan.pk)
    return render(
        request,
        "organizations/plans/item_form.html",
        {
            "form": form,
            "plan": plan,
            "organization": plan.organization,
            "item": action,
            "heading": _("Action"),
        },
    )


@require_POST
@login_required
def action_delete(request, plan_pk, action_pk):
    action = get_action_for_user(request, plan_pk, action_pk)
    remove_action(action=action, by=request.user)
    messages.success(request, _("The action was removed. The other side is asked to agree."))
    return redirect("organizations:plan", plan_pk)


@require_POST
@login_required
def action_status(request, plan_pk, action_pk):
    action = get_action_for_user(
        request, plan_pk, action_pk, perm="organizations.report_action_progress"
    )
    form = ActionStatusForm(request.POST)
    if form.is_valid():
        set_action_status(action=action, status=form.cleaned_data["status"], by=request.user)
        messages.success(request, _("The action's status was updated."))
    else:
        messages.error(request, _("Choose one of the statuses."))
    return redirect("organizations:plan", plan_pk)


@require_POST
@login_required
def plan_accept(request, plan_pk):
    plan = get_plan_for_user(request, plan_pk, perm="organizations.edit_plan")
    try:
        plan = accept_plan(plan=plan, accepted_by=request.user)
    except PlanError as exc:
        messages.error(request, str(exc))
    else:
        if plan.is_agreed:
            messages.success(request, _("The plan is agreed by the organization and the program."))
        else:
            messages.success(request, _("You agreed. The other side is asked to agree too."))
    return redirect("organizations:plan", plan_pk)
