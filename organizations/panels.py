"""This app's panels on the home page (see csa_portal.panels)."""

from collections import defaultdict

from django.db.models import Count

from csa_portal.panels import register_panel
from csa_portal.table_versions import kept_until_written

from .geo import MexicanState
from .models import Membership, Organization, Sector, Tier


def _program_count_rows() -> list[dict]:
    return list(
        Organization.objects.values(
            "tier__number", "tier__name_en", "tier__name_es", "state", "sector", "status"
        ).annotate(total=Count("id"))
    )


def program_counts(request) -> dict | None:
    if not request.user.is_program_staff:
        return None
    # One grouped scan of the organizations instead of three (tier, state, sector): the
    # combinations are a few hundred rows, folded here. The scan reads every organization (5 ms
    # at 10,000, ten times that at 100,000), so its rows are kept until one is written.
    tiers: dict[int, dict] = {}
    states: dict[str, int] = defaultdict(int)
    sectors: dict[str, int] = defaultdict(int)
    for row in kept_until_written("organizations:program-counts", _program_count_rows):
        sectors[row["sector"]] += row["total"]
        if row["tier__number"] is None:
            continue
        states[row["state"]] += row["total"]
        tier = tiers.setdefault(
            row["tier__number"],
            {
                "tier__number": row["tier__number"],
                "tier__name_en": row["tier__name_en"],
                "tier__name_es": row["tier__name_es"],
                "total": 0,
                "active": 0,
            },
        )
        tier["total"] += row["total"]
        if row["status"] == "active":
            tier["active"] += row["total"]
    by_tier = [tiers[number] for number in sorted(tiers)]
    state_names = dict(MexicanState.choices)
    by_state = [
        {"state": state, "total": total, "label": state_names.get(state, state)}
        for state, total in sorted(states.items(), key=lambda item: (-item[1], item[0]))
    ]
    sector_names = dict(Sector.choices)
    by_sector = [
        {"sector": sector, "label": str(sector_names.get(sector, sector)), "total": total}
        for sector, total in sorted(sectors.items())
    ]
    for row in by_tier:
        row["label"] = Tier(name_en=row["tier__name_en"], name_es=row["tier__name_es"]).__str__()
    chart = {
        "labels": [row["label"] for row in by_tier],
        "values": [row["total"] for row in by_tier],
    }
    return {
        "by_tier": by_tier,
        "by_state": by_state,
        "by_sector": by_sector,
        "participants": sum(row["total"] for row in by_tier),
        "chart": chart,
    }


def my_organizations(request) -> dict | None:
    memberships = list(
        Membership.objects.active()
        .filter(user=request.user)
        .select_related("organization__tier")
        .annotate(people_count=Count("organization__people"))
        .order_by("organization__name")
    )
    if not memberships:
        return None
    items = []
    for membership in memberships:
        organization = membership.organization
        attention = []
        if membership.role == Membership.Role.LEADER:
            attention = [("missing", name) for name in organization.missing_profile_fields()]
            if membership.people_count == 0:
                attention.append(("no_people", ""))
        items.append(
            {"membership": membership, "organization": organization, "attention": attention}
        )
    return {"items": items}


def capacity_summary(request, organization) -> dict | None:
    from .capacity import instrument_summary

    return {
        "instruments": instrument_summary(organization),
        "can_start": request.user.has_perm("organizations.start_assessment", organization),
    }


def capacity_todo(request) -> dict | None:
    """Assessments and plans waiting for this user: staff validate, CSOs fill in and agree."""
    from django.utils import timezone

    from .models import Action, Assessment, ImprovementPlan

    if request.user.is_program_staff:
        to_validate = Assessment.objects.filter(status=Assessment.Status.SUBMITTED)
        to_agree = ImprovementPlan.objects.filter(
            staff_agreed_at__isnull=True, cso_agreed_at__isnull=False
        )
        overdue = Action.objects.none()
    else:
        memberships = Membership.objects.active().filter(user=request.user)
        organization_ids = memberships.values("organization_id")
        led_ids = memberships.filter(role=Membership.Role.LEADER).values("organization_id")
        to_validate = Assessment.objects.filter(
            organization_id__in=organization_ids, status=Assessment.Status.DRAFT
        )
        to_agree = ImprovementPlan.objects.filter(
            organization_id__in=led_ids, cso_agreed_at__isnull=True
        )
        overdue = Action.objects.filter(plan__organization_id__in=organization_ids)
    assessments = list(
        to_validate.select_related("organization", "framework").order_by("assessed_on")[:10]
    )
    plans = list(to_agree.select_related("organization").order_by("created_at")[:10])
    overdue_plans = list(
        overdue.filter(
            status__in=[Action.Status.PLANNED, Action.Status.STARTED],
            due_date__lt=timezone.localdate(),
        )
        .values("plan_id", "plan__title", "plan__organization__name")
        .annotate(count=Count("id"))
        .order_by("plan__organization__name", "plan_id")[:10]
    )
    if not (assessments or plans or overdue_plans):
        return None
    return {
        "staff": request.user.is_program_staff,
        "assessments": assessments,
        "plans": plans,
        "overdue_plans": overdue_plans,
    }


def register() -> None:
    register_panel(
        page="organization",
        name="capacity",
        order=10,
        template="organizations/panels/capacity_summary.html",
        load=capacity_summary,
    )
    register_panel(
        page="home",
        name="program_counts",
        order=10,
        template="organizations/panels/program_counts.html",
        load=program_counts,
    )
    register_panel(
        page="home",
        name="capacity_todo",
        order=15,
        template="organizations/panels/capacity_todo.html",
        load=capacity_todo,
    )
    register_panel(
        page="home",
        name="my_organizations",
        order=20,
        template="organizations/panels/my_organizations.html",
        load=my_organizations,
    )
