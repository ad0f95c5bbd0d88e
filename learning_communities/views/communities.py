"""Communities and their members."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import F
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from csa_portal.rendering import render
from organizations.models import Organization

from .. import reads
from ..access import get_community_for_user, get_membership_for_user
from ..forms import CommunityForm, EndMembershipForm, MemberForm, member_organizations
from ..models import LearningCommunity
from ..power import chart as power_chart
from ..privacy import listed_people
from ..services import (
    CommunityError,
    add_member,
    create_community,
    end_membership,
    update_community,
)
from .common import link_maker, power_chart_labels, snapshot_context

MANAGE = "learning_communities.manage_community"
PAGE_SIZE = 50


@require_safe
@login_required
def community_list(request):
    communities = (
        LearningCommunity.objects.visible_to(request.user)
        .select_related("tier", "theme")
        .with_counts()
        .order_by("status", "tier__number", "name", "id")
    )
    # A page at a time: a national program has hundreds of communities.
    page = Paginator(communities, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    detail_link = link_maker("learning_communities:detail")
    for community in page.object_list:
        community.link = detail_link(community.pk)
    return render(
        request,
        "learning_communities/list.html",
        {"page": page, "can_create": request.user.is_program_staff},
    )


@require_http_methods(["GET", "POST"])
@login_required
def community_create(request):
    if not request.user.has_perm(MANAGE):
        raise PermissionDenied
    form = CommunityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            community = create_community(fields=form.cleaned_data, created_by=request.user)
        except CommunityError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The community was created. Add its members."))
            return redirect("learning_communities:members", community.pk)
    return render(request, "learning_communities/form.html", {"form": form, "community": None})


@require_safe
@login_required
def community_detail(request, pk):
    community = get_community_for_user(request, pk)
    user = request.user
    overview = reads.community_overview(community)
    can_manage = user.has_perm(MANAGE, community)
    if can_manage:
        can_share, resource_editors = True, None  # None: every resource
    else:
        # One query answers both "may share" and "which resources may I change": the member
        # organizations this user leads (rules.is_community_leader, leads_sharing_organization).
        led = set(member_organizations(community, led_by=user).values_list("pk", flat=True))
        can_share, resource_editors = bool(led), led
    for resource in overview["resources"]:
        resource.can_change = resource_editors is None or (
            resource.organization_id in resource_editors
        )
    event_link = link_maker("learning_communities:event")
    for event in overview["events"]:
        event.link = event_link(event.pk)
    profile_link = link_maker("learning_communities:member_profile", community.pk)
    for membership in overview["memberships"]:
        membership.profile_link = profile_link(membership.organization_id)
    return render(
        request,
        "learning_communities/detail.html",
        {
            "community": community,
            **overview,
            **snapshot_context(overview["snapshot"]),
            "power_chart": power_chart(overview["power_shift"], power_chart_labels()),
            "can_manage": can_manage,
            "can_share": can_share,
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def community_edit(request, pk):
    community = get_community_for_user(request, pk, perm=MANAGE)
    form = CommunityForm(request.POST or None, instance=community)
    if request.method == "POST" and form.is_valid():
        community.refresh_from_db()
        try:
            update_community(community=community, fields=form.cleaned_data)
        except CommunityError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Your changes were saved."))
            return redirect(community)
    return render(request, "learning_communities/form.html", {"form": form, "community": community})


@require_http_methods(["GET", "POST"])
@login_required
def members(request, pk):
    """Everyone in the community sees the members; staff add them here."""
    community = get_community_for_user(request, pk)
    can_manage = request.user.has_perm(MANAGE, community)
    form = None
    search = request.GET.get("q", "")
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        form = MemberForm(request.POST, community=community, search=search)
        if form.is_valid():
            try:
                add_member(community=community, added_by=request.user, **form.cleaned_data)
            except CommunityError as exc:
                form.add_error("organization", str(exc))
            else:
                messages.success(
                    request,
                    _("%(organization)s joined the community.")
                    % {"organization": form.cleaned_data["organization"].name},
                )
                return redirect("learning_communities:members", community.pk)
    elif can_manage:
        form = MemberForm(community=community, search=search)
    memberships = reads.members(community)
    return render(
        request,
        "learning_communities/members.html",
        {
            "community": community,
            "memberships": memberships,
            "sectors": reads.sector_counts(memberships),
            "form": form,
            "search": search,
            "end_form": EndMembershipForm() if can_manage else None,
            "can_manage": can_manage,
        },
    )


@require_POST
@login_required
def member_end(request, pk, membership_pk):
    membership = get_membership_for_user(request, pk, membership_pk)
    form = EndMembershipForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the date the organization left."))
    else:
        try:
            end_membership(membership=membership, left_on=form.cleaned_data["left_on"])
        except CommunityError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                _("%(organization)s left the community.")
                % {"organization": membership.organization.name},
            )
    return redirect("learning_communities:members", pk)


@require_safe
@login_required
def member_profile(request, pk, organization_pk):
    """A member's public profile, for the other members (the organization page is private)."""
    community = get_community_for_user(request, pk)
    membership = (
        community.memberships.select_related("organization__tier")
        .filter(organization_id=organization_pk)
        .order_by(F("left_on").asc(nulls_first=True), "-joined_on")
        .first()
    )
    if membership is None:
        raise Http404
    organization: Organization = membership.organization
    return render(
        request,
        "learning_communities/member_profile.html",
        {
            "community": community,
            "membership": membership,
            "organization": organization,
            "themes": list(organization.thematic_areas.all()),
            # Only the people who consented to be listed (csa_portal's consent registry).
            "people": list(listed_people(organization)),
            "resources": list(
                community.resources.filter(organization=organization).order_by("-shared_on")
            ),
        },
    )
