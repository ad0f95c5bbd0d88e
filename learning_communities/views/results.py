"""Shared goals and progress, alliances, shared resources, outcomes and collaborations."""

import mimetypes

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from .. import reads
from ..access import get_community_for_user, get_goal_for_user, get_resource_for_user
from ..files import resource_path
from ..forms import (
    AllianceForm,
    CollaborationForm,
    GoalForm,
    OutcomeForm,
    ProgressForm,
    ResourceForm,
)
from ..goals import goal_status
from ..services import (
    CommunityError,
    add_progress,
    create_alliance,
    create_goal,
    record_collaboration,
    record_outcome,
    share_resource,
)

MANAGE = "learning_communities.manage_community"
IMAGE_TYPES = {"png", "jpg", "gif"}


def _item_page(request, community, form, heading: str, *, multipart: bool = False):
    return render(
        request,
        "learning_communities/item_form.html",
        {"community": community, "form": form, "heading": heading, "multipart": multipart},
    )


@require_http_methods(["GET", "POST"])
@login_required
def goal_create(request, pk):
    community = get_community_for_user(request, pk, perm=MANAGE)
    form = GoalForm(request.POST or None, community=community)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            goal = create_goal(
                community=community,
                statement=data["statement"],
                metric=data["metric"],
                baseline=data["baseline"],
                target=data["target"],
                set_on=data["set_on"],
                due_on=data["due_on"],
                co_defined_by=list(data["co_defined_by"]),
                created_by=request.user,
            )
        except CommunityError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The shared goal was recorded."))
            return redirect(goal)
    return _item_page(request, community, form, _("Shared goal"))


@require_safe
@login_required
def goal_detail(request, goal_pk):
    goal = get_goal_for_user(request, goal_pk)
    community = goal.community
    entries = list(goal.progress.select_related("recorded_by").order_by("measured_on", "id"))
    latest = entries[-1].value if entries else None
    can_manage = request.user.has_perm(MANAGE, community)
    return render(
        request,
        "learning_communities/goal.html",
        {
            "goal": goal,
            "community": community,
            "entries": entries,
            "latest": latest,
            "status": goal_status(goal, latest, timezone.localdate()),
            "co_definers": list(goal.co_defined_by.order_by("name")),
            "chart": reads.goal_chart(goal, entries, {"value": goal.metric, "target": _("Target")}),
            "progress_form": ProgressForm() if can_manage else None,
        },
    )


@require_POST
@login_required
def progress_add(request, goal_pk):
    goal = get_goal_for_user(request, goal_pk, perm=MANAGE)
    form = ProgressForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    else:
        try:
            add_progress(goal=goal, recorded_by=request.user, **form.cleaned_data)
        except CommunityError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("The progress entry was recorded."))
    return redirect(goal)


@require_http_methods(["GET", "POST"])
@login_required
def alliance_create(request, pk):
    community = get_community_for_user(request, pk, perm=MANAGE)
    form = AllianceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        members = list(data.pop("members"))
        try:
            create_alliance(fields=data, members=members, grew_from=community)
        except CommunityError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The alliance was recorded."))
            return redirect(community)
    return _item_page(request, community, form, _("Alliance or joint project"))


@require_http_methods(["GET", "POST"])
@login_required
def resource_share(request, pk):
    community = get_community_for_user(request, pk, perm="learning_communities.share_resource")
    form = ResourceForm(
        request.POST or None, request.FILES or None, community=community, user=request.user
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            share_resource(
                community=community,
                organization=data["organization"],
                kind=data["kind"],
                title=data["title"],
                description=data["description"],
                upload=data["file"],
                link=data["link"],
                shared_by=request.user,
            )
        except CommunityError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The resource is shared with the community."))
            return redirect(community)
    return _item_page(request, community, form, _("Shared resource"), multipart=True)


@require_safe
@login_required
def resource_file(request, resource_pk):
    resource = get_resource_for_user(request, resource_pk)
    path = resource_path(resource.file)
    if path is None:
        raise Http404
    extension = path.suffix.lstrip(".")
    content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    # Images open in the browser; documents are downloaded, never rendered by us.
    return FileResponse(
        path.open("rb"),
        as_attachment=extension not in IMAGE_TYPES,
        filename=resource.file_name or path.name,
        content_type=content_type,
    )


@require_http_methods(["GET", "POST"])
@login_required
def outcome_create(request, pk):
    community = get_community_for_user(request, pk, perm=MANAGE)
    form = OutcomeForm(request.POST or None, community=community)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        organizations = list(data.pop("organizations"))
        try:
            record_outcome(
                fields=data,
                organizations=organizations,
                community=community,
                created_by=request.user,
            )
        except CommunityError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The outcome was recorded."))
            return redirect(community)
    return _item_page(request, community, form, _("Outcome"))


@require_http_methods(["GET", "POST"])
@login_required
def collaboration_create(request):
    if not request.user.has_perm(MANAGE):
        raise PermissionDenied
    form = CollaborationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            record_collaboration(recorded_by=request.user, **form.cleaned_data)
        except CommunityError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The collaboration was recorded."))
            return redirect("learning_communities:program")
    return _item_page(request, None, form, _("Collaboration"))
