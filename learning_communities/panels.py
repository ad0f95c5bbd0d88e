"""This app's panels on the home and organization pages (see csa_portal.panels)."""

from __future__ import annotations

from django.db.models import Count, F, Subquery
from django.utils import timezone

from csa_portal.panels import register_panel

from .models import (
    AgendaItem,
    CommunityMembership,
    LearningCommunity,
    NetworkPosition,
)
from .reads import snapshots_newest_first


def organization_communities(request, organization) -> dict | None:
    """The organization's communities and its position in the latest program network.

    Two queries. Whoever sees the organization's page (staff, its own people) may open the
    communities it belongs to now.
    """
    memberships = list(
        CommunityMembership.objects.filter(organization=organization)
        .select_related("community__tier")
        .order_by(F("left_on").asc(nulls_first=True), "community__name")
    )
    latest = snapshots_newest_first(None).values("pk")[:1]
    found = (
        NetworkPosition.objects.filter(organization=organization, snapshot=Subquery(latest))
        .select_related("snapshot")
        .only("rank", "degree", "betweenness", "snapshot__on", "snapshot__overview")
        .first()
    )
    position = None
    if found is not None:
        position = {
            "rank": found.rank,
            "of": found.snapshot.overview["summary"]["actors"],
            "degree": found.degree,
            "betweenness": found.betweenness,
            "on": found.snapshot.on,
        }
    if not memberships and position is None:
        return None
    return {"memberships": memberships, "position": position}


def my_communities(request) -> dict | None:
    """Communities of this user with their next event, and agenda items awaiting a decision."""
    user = request.user
    today = timezone.localdate()
    communities = list(
        LearningCommunity.objects.visible_to(user)
        .active()
        .with_next_event(today)
        .only("name")
        .order_by("name")[:10]
    )
    pending = AgendaItem.objects.filter(status=AgendaItem.Status.PROPOSED, event__date__gte=today)
    if not user.is_program_staff:
        pending = pending.filter(event__facilitators__person__user=user)
    waiting = list(
        pending.values("event_id", "event__title", "event__date")
        .annotate(count=Count("id", distinct=True))
        .order_by("event__date")[:10]
    )
    if not communities and not waiting:
        return None
    return {"communities": communities, "waiting": waiting, "staff": user.is_program_staff}


def register() -> None:
    register_panel(
        page="organization",
        name="communities",
        order=30,
        template="learning_communities/panels/organization.html",
        load=organization_communities,
    )
    register_panel(
        page="home",
        name="my_communities",
        order=30,
        template="learning_communities/panels/home.html",
        load=my_communities,
    )
