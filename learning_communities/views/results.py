"""Shared goals and progress, alliances, shared resources, outcomes and collaborations."""

import mimetypes

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from csa_portal.rendering import render
from organizations.models import Organization

from .. import reads
from ..access import (
    get_alliance_for_user,
    get_collaboration_for_user,
    get_community_for_user,
    get_goal_for_user,
    get_outcome_for_user,
    get_resource_for_user,
)
from ..files import outcome_evidence_path, resource_path
from ..forms import (
    AllianceForm,
    CollaborationEditForm,
    CollaborationForm,
    GoalForm,
    OutcomeEditForm,
    OutcomeForm,
    ProgressForm,
    ResourceEditForm,
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
    remove_collaboration,
    remove_outcome,
    remove_resource,
    share_resource,
    update_alliance,
    update_collaboration,
    update_goal,
    update_outcome,
    update_resource,
)

MANAGE = "learning_communities.manage_community"
IMAGE_TYPES = {"png", "jpg", "gif"}


def _item_page(
    request,
    community,
    form,
    heading: str,
    *,
    multipart: bool = False,
    editing: bool = False,
    cancel_url: str = "",
):
    return render(
        request,
        "learning_communities/item_form.html",
        {
            "community": community,
            "form": form,
            "heading": heading,
            "multipart": multipart,
            "editing": editing,
            "cancel_url": cancel_url,
        },
    )


def _confirm_page(request, community, *, heading: str, warning: str, label: str, cancel_url: str):
    return render(
        request,
        "learning_communities/confirm_delete.html",
        {
            "community": community,
            "heading": heading,
            "warning": warning,
            "confirm_label": label,
            "cancel_url": cancel_url,
        },
    )


def _serve(path, original_name: str):
    extension = path.suffix.lstrip(".")
    content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    # Images open in the browser; documents are downloaded, never rendered by us.
    return FileResponse(
        path.open("rb"),
        as_attachment=extension not in IMAGE_TYPES,
        filename=original_name or path.name,
        content_type=content_type,
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
def goal_edit(request, goal_pk):
    goal = get_goal_for_user(request, goal_pk, perm=MANAGE)
    community = goal.community
    form = GoalForm(request.POST or None, instance=goal, community=community)
    # Members who co-defined it and have left since stay choosable (and ticked).
    field = form.fields["co_defined_by"]
    field.queryset = Organization.objects.filter(
        Q(pk__in=field.queryset.values("pk")) | Q(pk__in=goal.co_defined_by.values("pk"))
    ).order_by("name")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            update_goal(
                goal=goal,
                statement=data["statement"],
                metric=data["metric"],
                baseline=data["baseline"],
                target=data["target"],
                set_on=data["set_on"],
                due_on=data["due_on"],
                co_defined_by=list(data["co_defined_by"]),
            )
        except CommunityError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Your changes were saved."))
            return redirect(goal)
    return _item_page(
        request,
        community,
        form,
        _("Shared goal"),
        editing=True,
        cancel_url=goal.get_absolute_url(),
    )


@require_http_methods(["GET", "POST"])
@login_required
def alliance_edit(request, alliance_pk):
    alliance = get_alliance_for_user(request, alliance_pk)
    community = alliance.grew_from
    form = AllianceForm(request.POST or None, instance=alliance)
    if request.method == "POST" and form.is_valid():
        alliance.refresh_from_db()  # the form changed the instance in memory
        data = dict(form.cleaned_data)
        members = list(data.pop("members"))
        try:
            update_alliance(alliance=alliance, fields=data, members=members)
        except CommunityError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Your changes were saved."))
            return redirect(community or "learning_communities:program")
    return _item_page(request, community, form, _("Alliance or joint project"), editing=True)


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
    return _serve(path, resource.file_name)


@require_http_methods(["GET", "POST"])
@login_required
def resource_edit(request, resource_pk):
    resource = get_resource_for_user(request, resource_pk, write=True)
    community = resource.community
    initial = {"kind": resource.kind, "title": resource.title, "description": resource.description}
    form = ResourceEditForm(
        request.POST or None,
        request.FILES or None,
        initial=initial,
        current=resource.file_name or resource.link,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            update_resource(
                resource=resource,
                kind=data["kind"],
                title=data["title"],
                description=data["description"],
                upload=data["file"],
                link=data["link"],
            )
        except CommunityError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Your changes were saved."))
            return redirect(community)
    return _item_page(
        request,
        community,
        form,
        _("Shared resource: %(title)s") % {"title": resource.title},
        multipart=True,
        editing=True,
    )


@require_http_methods(["GET", "POST"])
@login_required
def resource_delete(request, resource_pk):
    resource = get_resource_for_user(request, resource_pk, write=True)
    community = resource.community
    if request.method == "POST":
        remove_resource(resource=resource)
        messages.success(
            request,
            _("%(title)s is no longer shared with the community.") % {"title": resource.title},
        )
        return redirect(community)
    return _confirm_page(
        request,
        community,
        heading=_("Stop sharing %(title)s?") % {"title": resource.title},
        warning=_("The resource and its file are removed for every member. This cannot be undone."),
        label=_("Remove the resource"),
        cancel_url=community.get_absolute_url(),
    )


@require_http_methods(["GET", "POST"])
@login_required
def outcome_create(request, pk):
    community = get_community_for_user(request, pk, perm=MANAGE)
    form = OutcomeForm(request.POST or None, request.FILES or None, community=community)
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
    return _item_page(request, community, form, _("Outcome"), multipart=True)


def _outcome_home(outcome):
    community = outcome.community or (outcome.alliance.grew_from if outcome.alliance else None)
    return community


@require_http_methods(["GET", "POST"])
@login_required
def outcome_edit(request, outcome_pk):
    outcome = get_outcome_for_user(request, outcome_pk)
    community = _outcome_home(outcome)
    form = OutcomeEditForm(
        request.POST or None, request.FILES or None, instance=outcome, community=community
    )
    if request.method == "POST" and form.is_valid():
        outcome.refresh_from_db()  # the form changed the instance in memory
        data = dict(form.cleaned_data)
        organizations = list(data.pop("organizations"))
        try:
            update_outcome(outcome=outcome, fields=data, organizations=organizations)
        except CommunityError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Your changes were saved."))
            return redirect(community or "learning_communities:program")
    return _item_page(request, community, form, _("Outcome"), multipart=True, editing=True)


@require_http_methods(["GET", "POST"])
@login_required
def outcome_delete(request, outcome_pk):
    outcome = get_outcome_for_user(request, outcome_pk)
    community = _outcome_home(outcome)
    back = community.get_absolute_url() if community else reverse("learning_communities:program")
    if request.method == "POST":
        remove_outcome(outcome=outcome)
        messages.success(request, _("The outcome was removed."))
        return redirect(back)
    return _confirm_page(
        request,
        community,
        heading=_("Remove this outcome?"),
        warning=_(
            "“%(outcome)s” and its evidence are removed from the community and the program "
            "results report. This cannot be undone."
        )
        % {"outcome": str(outcome)},
        label=_("Remove the outcome"),
        cancel_url=back,
    )


@require_safe
@login_required
def outcome_evidence(request, outcome_pk):
    """The evidence file, for the community's members and staff (404 for everyone else)."""
    outcome = get_outcome_for_user(request, outcome_pk, manage=False)
    path = outcome_evidence_path(outcome.evidence_file)
    if path is None:
        raise Http404
    return _serve(path, outcome.evidence_file_name)


@require_http_methods(["GET", "POST"])
@login_required
def collaboration_edit(request, collaboration_pk):
    collaboration = get_collaboration_for_user(request, collaboration_pk)
    form = CollaborationEditForm(request.POST or None, instance=collaboration)
    if request.method == "POST" and form.is_valid():
        try:
            update_collaboration(collaboration=collaboration, **form.cleaned_data)
        except CommunityError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Your changes were saved."))
            return redirect("learning_communities:program")
    return _item_page(request, None, form, _("Collaboration"), editing=True)


@require_http_methods(["GET", "POST"])
@login_required
def collaboration_delete(request, collaboration_pk):
    collaboration = get_collaboration_for_user(request, collaboration_pk)
    if request.method == "POST":
        remove_collaboration(collaboration=collaboration)
        messages.success(request, _("The collaboration was removed."))
        return redirect("learning_communities:program")
    return _confirm_page(
        request,
        None,
        heading=_("Remove the collaboration %(pair)s?") % {"pair": str(collaboration)},
        warning=_("The tie leaves the local-system network from its next computation."),
        label=_("Remove the collaboration"),
        cancel_url=reverse("learning_communities:program"),
    )


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
