"""This app's part of the synthetic benchmark program (see csa_portal.scale).

One law firm per 500 organizations (at least three), two lawyers each. One CSO in twenty
asked for help, for its plan's legal action where it has one: of every four cases one is
waiting for triage, one is in progress with three hours entries, one resolved with three
entries and one closed.

Every other CSO keeps its compliance checklist (build_compliance): a first status on each item
that applies to it, dated 2017-2022, and a later one, so the overview's history has years to
walk and changes to replay.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from csa_portal.models import ProgramRole, User
from csa_portal.scale import SCALE_EMAIL_DOMAIN, ScaleContext
from organizations.geo import MexicanState
from organizations.models import Action, Membership
from organizations.scale import scale_csos

from .models import (
    CaseStatus,
    ComplianceChange,
    ComplianceItem,
    ComplianceStatus,
    FirmMatch,
    FirmPracticeArea,
    HoursEntry,
    LawFirm,
    Lawyer,
    LegalCase,
    OrganizationCompliance,
)

AREAS = [c[0] for c in LegalCase._meta.get_field("area").choices]
CASE_STATUSES = [
    CaseStatus.REQUESTED,
    CaseStatus.IN_PROGRESS,
    CaseStatus.RESOLVED,
    CaseStatus.CLOSED,
]


def build(ctx: ScaleContext) -> None:
    rng = ctx.rng
    now = timezone.now()
    coordinator = (
        User.objects.filter(program_role=ProgramRole.LEGAL_COORDINATOR).order_by("id").first()
    )
    firms = LawFirm.objects.bulk_create(
        [
            LawFirm(
                name=f"Scale Law Firm {n + 1:04d}",
                city="Ciudad de México",
                state=rng.choice(MexicanState.values),
                reference_hourly_rate=Decimal("2500"),
                yearly_pledged_hours=200,
                contact_name=f"Partner {n + 1}",
            )
            for n in range(max(3, ctx.organizations // 500))
        ]
    )
    FirmPracticeArea.objects.bulk_create(
        [FirmPracticeArea(firm=firm, area=area) for firm in firms for area in AREAS]
    )
    unusable = make_password(None)
    users = User.objects.bulk_create(
        [
            User(
                email=f"lawyer{firm.pk}-{n}@{SCALE_EMAIL_DOMAIN}",
                display_name=f"Lawyer {n} of {firm.name}",
                password=unusable,
            )
            for firm in firms
            for n in (1, 2)
        ]
    )
    lawyer_users = dict(
        User.objects.filter(pk__in=[u.pk for u in users]).values_list("email", "pk")
    )
    lawyers = Lawyer.objects.bulk_create(
        [
            Lawyer(
                user_id=lawyer_users[f"lawyer{firm.pk}-{n}@{SCALE_EMAIL_DOMAIN}"],
                firm=firm,
                practice_areas=AREAS,
            )
            for firm in firms
            for n in (1, 2)
        ]
    )
    lawyers_of = {}
    for lawyer in lawyers:
        lawyers_of.setdefault(lawyer.firm_id, []).append(lawyer)

    csos = list(scale_csos().order_by("pk").values_list("pk", flat=True))[2::20]
    leaders = dict(
        Membership.objects.filter(
            organization_id__in=csos, role=Membership.Role.LEADER
        ).values_list("organization_id", "user_id")
    )
    legal_actions = dict(
        Action.objects.filter(
            plan__organization_id__in=csos, support=Action.Support.LEGAL
        ).values_list("plan__organization_id", "pk")
    )
    cases = []
    for n, org_id in enumerate(csos):
        status = CASE_STATUSES[n % len(CASE_STATUSES)]
        firm = firms[n % len(firms)] if status != CaseStatus.REQUESTED else None
        opened = date(2024, 1, 10) + timedelta(days=n % 600)
        cases.append(
            LegalCase(
                organization_id=org_id,
                area=AREAS[n % len(AREAS)],
                subject=f"Legal question {n + 1}",
                need="Synthetic confidential need.",
                serves_action_id=legal_actions.get(org_id),
                status=status,
                firm=firm,
                opened_on=opened,
                triaged_at=now if firm else None,
                matched_at=now if firm else None,
                conflict_confirmed_at=now if firm else None,
                resolved_at=now if status in (CaseStatus.RESOLVED, CaseStatus.CLOSED) else None,
                closed_at=now if status == CaseStatus.CLOSED else None,
                outcome="Resolved." if status in (CaseStatus.RESOLVED, CaseStatus.CLOSED) else "",
                created_by_id=leaders.get(org_id),
            )
        )
    cases = LegalCase.objects.bulk_create(cases, batch_size=ctx.batch_size)
    matched = [case for case in cases if case.firm_id]
    FirmMatch.objects.bulk_create(
        [
            FirmMatch(
                case=case,
                firm_id=case.firm_id,
                matched_by=coordinator,
                matched_at=now,
                response="confirmed",
                responded_by_id=lawyers_of[case.firm_id][0].user_id,
                responded_at=now,
            )
            for case in matched
        ],
        batch_size=ctx.batch_size,
    )
    hours = [
        HoursEntry(
            case=case,
            lawyer=lawyers_of[case.firm_id][k % 2],
            firm_id=case.firm_id,
            worked_on=case.opened_on + timedelta(days=7 * (k + 1)),
            hours=Decimal("2.5"),
            hourly_rate=Decimal("2500"),
            description="Synthetic work.",
        )
        for case in matched
        if case.status != CaseStatus.CLOSED
        for k in range(3)
    ]
    HoursEntry.objects.bulk_create(hours, batch_size=ctx.batch_size)
    ctx.say(
        f"{len(firms)} firms, {len(lawyers)} lawyers, {len(cases)} cases, {len(hours)} hours entries"
    )


# Orders of magnitude of a program's checklists: most items end compliant, some stay in
# progress, a few turn out not to apply.
FIRST_STATUSES = [ComplianceStatus.NOT_COMPLIANT, ComplianceStatus.IN_PROGRESS]
LATER_STATUSES = [ComplianceStatus.COMPLIANT] * 6 + [
    ComplianceStatus.IN_PROGRESS,
    ComplianceStatus.IN_PROGRESS,
    ComplianceStatus.NOT_COMPLIANT,
    ComplianceStatus.NOT_APPLICABLE,
]
CHECKLISTS_PER_BATCH = 500  # organizations written at a time: ~13,000 statuses, 26,000 changes


def build_compliance(ctx: ScaleContext) -> None:
    items = list(ComplianceItem.objects.order_by("pk").values_list("pk", "applies_to"))
    csos = list(scale_csos().order_by("pk").values_list("pk", "authorized_donee"))[::2]
    leaders = dict(
        Membership.objects.filter(
            organization_id__in=[pk for pk, _donee in csos], role=Membership.Role.LEADER
        ).values_list("organization_id", "user_id")
    )
    csos = [(pk, donee, leaders.get(pk)) for pk, donee in csos]
    statuses = changes = 0
    for start in range(0, len(csos), CHECKLISTS_PER_BATCH):
        current, history = _checklists(ctx, csos[start : start + CHECKLISTS_PER_BATCH], items)
        OrganizationCompliance.objects.bulk_create(current, batch_size=ctx.batch_size)
        ComplianceChange.objects.bulk_create(history, batch_size=ctx.batch_size)
        statuses, changes = statuses + len(current), changes + len(history)
    ctx.say(f"{len(csos)} compliance checklists, {statuses} statuses, {changes} changes")


def _checklists(ctx: ScaleContext, csos, items) -> tuple[list, list]:
    rng = ctx.rng
    current, history = [], []
    for org_id, is_donee, by in csos:
        first = date(2017 + rng.randrange(6), rng.randrange(1, 13), rng.randrange(1, 29))
        for item_id, applies_to in items:
            if applies_to == ComplianceItem.AppliesTo.AUTHORIZED_DONEE and not is_donee:
                continue
            later = first + timedelta(days=rng.randrange(60, 1000))
            status = rng.choice(LATER_STATUSES)
            common = {"organization_id": org_id, "item_id": item_id}
            history += [
                ComplianceChange(
                    **common, status=rng.choice(FIRST_STATUSES), checked_on=first, changed_by_id=by
                ),
                ComplianceChange(**common, status=status, checked_on=later, changed_by_id=by),
            ]
            current.append(
                OrganizationCompliance(**common, status=status, checked_on=later, updated_by_id=by)
            )
    return current, history
