"""Grants of the demo program: 2016-2020 across the three tiers, built through the services.

About two CSOs in three applied: most were awarded (thematic projects and capacity-development
initiatives, a few in US dollars), some declined, some returned for changes, two still under
review. Awarded grants paid their tranches and had their reports accepted and closed, except:
one terminated early, and the demo leader's 2020 grant, still running with its final financial
report overdue. The demo leader also has a draft application in progress.

The services stamp "now"; dates are then set to when things happened in the program.
Deterministic (a fixed seed, organizations in a stable order) and idempotent.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from csa_portal.models import User
from organizations.demo import LEADER_ORG
from organizations.models import Action, Organization, ThematicArea

from .models import Grant, GrantApplication, GrantReport, Review
from .services import (
    BudgetLineInput,
    ReportInput,
    SpendingInput,
    TrancheInput,
    accept_report,
    award_application,
    close_grant,
    decline_application,
    record_review,
    record_tranche_payment,
    record_tranche_release,
    return_for_changes,
    save_application,
    submit_application,
    submit_report,
    terminate_grant,
)

MEXICO = ZoneInfo("America/Mexico_City")
CRITERIA = ["relevance", "design", "capacity", "budget", "sustainability"]
TITLES = {
    GrantApplication.Kind.THEMATIC: [
        "Mentorías para prevenir la violencia juvenil",
        "Observatorio ciudadano de justicia penal",
        "Acompañamiento a víctimas en el proceso penal",
        "Rutas seguras para mujeres migrantes",
        "Justicia restaurativa en escuelas secundarias",
        "Mapa comunitario de la violencia",
    ],
    GrantApplication.Kind.CAPACITY: [
        "Sistema de monitoreo y evaluación de resultados",
        "Plan de procuración de fondos",
        "Fortalecimiento del consejo directivo",
        "Manual administrativo y contable",
        "Estrategia de comunicación y alianzas",
    ],
}
# (category, description, share of the budget); the last line takes what is left.
BUDGET = [
    ("personnel", "Coordinación y equipo del proyecto", Decimal("0.50")),
    ("events", "Talleres y reuniones comunitarias", Decimal("0.25")),
    ("travel", "Traslados a comunidades", Decimal("0.10")),
    ("materials", "Materiales y papelería", None),
]
# Positions of organizations (participating CSOs in pk order; every third did not apply).
DECLINED, RETURNED, UNDER_REVIEW, TERMINATED = {4, 13, 25}, {9, 21}, {30, 33}, {16}


def build(say: Callable[[str], None]) -> None:
    if GrantApplication.objects.exists():
        say("grants already loaded")
        return
    rng = random.Random(2016)  # noqa: S311 - demo data
    staff = User.objects.get(email="staff@demo.csa.mx")
    second_reviewer = User.objects.get(email="legal@demo.csa.mx")
    leader = User.objects.get(email="leader@demo.csa.mx")
    themes = list(ThematicArea.objects.filter(parent__isnull=True).order_by("pk"))
    organizations = list(
        Organization.objects.csos().participating().select_related("tier").order_by("pk")
    )
    for index, organization in enumerate(organizations):
        is_leaders = organization.name == LEADER_ORG
        if index % 3 == 2 and not is_leaders:
            continue  # not every organization applied
        demo = _Demo(rng, staff, second_reviewer, leader if is_leaders else None, themes)
        if is_leaders:
            demo.leaders_grants(organization)
        else:
            demo.application(organization, index)
    awarded = Grant.objects.count()
    say(
        f"{GrantApplication.objects.count()} grant applications, {awarded} grants, "
        f"{GrantReport.objects.overdue().count()} overdue report"
    )


def _moment(day: date) -> datetime:
    return datetime.combine(day, time(11, 0), tzinfo=MEXICO)


def _months(day: date, months: int) -> date:
    month = day.month - 1 + months
    return date(day.year + month // 12, month % 12 + 1, min(day.day, 28))


class _Demo:
    def __init__(self, rng, staff, second_reviewer, leader, themes):
        self.rng, self.staff, self.second = rng, staff, second_reviewer
        self.leader, self.themes = leader, themes

    @property
    def author(self) -> User:
        # Only the demo leader's organization has a login; other CSOs applied on paper.
        return self.leader or self.staff

    def leaders_grants(self, organization: Organization) -> None:
        """A closed 2017 grant, a running 2020 grant with an overdue report, and a draft."""
        self.application(organization, 1, year=2017, kind=GrantApplication.Kind.THEMATIC)
        self.application(
            organization, 0, year=2020, kind=GrantApplication.Kind.CAPACITY, leave_open=True
        )
        save_application(
            organization=organization,
            application=None,
            fields={
                "kind": GrantApplication.Kind.THEMATIC,
                "theme": self.themes[0],
                "title": "Red de mentoras contra la violencia de género en Hermosillo",
                "problem": "Las jóvenes de las colonias del norte no tienen a quién acudir.",
                "objectives": "Formar 30 mentoras comunitarias.",
                "activities": "",
                "expected_results": "",
                "states": ["SON"],
                "requested_amount": Decimal("350000.00"),
                "currency": "MXN",
                "duration_months": 12,
            },
            budget_lines=self._budget(Decimal("350000.00"))[:2],
            by=self.leader,
        )

    def application(
        self,
        organization: Organization,
        index: int,
        *,
        year: int | None = None,
        kind: str | None = None,
        leave_open: bool = False,
    ) -> Grant | None:
        rng = self.rng
        kind = kind or list(GrantApplication.Kind.values)[index % 2]
        year = year or 2016 + index % 5
        currency = "USD" if index % 7 == 5 else "MXN"
        step = Decimal(1000) if currency == "USD" else Decimal(10000)
        low, high = (10, 45) if currency == "USD" else (15, 90)
        requested = step * rng.randint(low, high)
        submitted_on = date(year, rng.randint(1, 3), rng.randint(1, 28))
        application = save_application(
            organization=organization,
            application=None,
            fields={
                "kind": kind,
                "theme": self.themes[index % len(self.themes)],
                "title": rng.choice(TITLES[kind]),
                "problem": "Describimos el problema con datos de nuestra comunidad.",
                "objectives": "Objetivos definidos por la organización.",
                "activities": "Talleres, acompañamiento y seguimiento.",
                "expected_results": "Resultados medibles al final del periodo.",
                "states": [organization.state],
                "requested_amount": requested,
                "currency": currency,
                "duration_months": 12,
            },
            budget_lines=self._budget(requested),
            actions=self._actions(organization),
            by=self.author,
        )
        submit_application(application=application, by=self.author)
        self._stamp_application(application, submitted_on)
        if index in RETURNED:
            return_for_changes(
                application=application,
                message="Detallen las actividades por trimestre y ajusten el rubro de viajes.",
                by=self.staff,
            )
            self._stamp(
                GrantApplication, application, returned_at=_moment(submitted_on + timedelta(20))
            )
            return None
        self._reviews(application, submitted_on, low_scores=index in DECLINED)
        if index in UNDER_REVIEW:
            return None
        decided_on = submitted_on + timedelta(days=45)
        if index in DECLINED:
            decline_application(
                application=application,
                reason="El proyecto no demuestra capacidad suficiente para el monto solicitado.",
                by=self.staff,
            )
            self._stamp(GrantApplication, application, decided_at=_moment(decided_on))
            return None
        return self._award(application, decided_on, index, leave_open=leave_open)

    def _budget(self, total: Decimal) -> list[BudgetLineInput]:
        lines, used = [], Decimal(0)
        for category, description, share in BUDGET:
            amount = (total * share).quantize(Decimal("0.01")) if share else total - used
            used += amount
            lines.append(BudgetLineInput(category, description, amount))
        return lines

    def _actions(self, organization: Organization) -> list[Action]:
        return list(
            Action.objects.filter(
                plan__organization=organization,
                plan__cso_agreed_at__isnull=False,
                plan__staff_agreed_at__isnull=False,
                support=Action.Support.GRANT,
            )
        )

    def _reviews(self, application, submitted_on: date, *, low_scores: bool) -> None:
        for reviewer in (self.staff, self.second):
            scores = {
                c: self.rng.randint(0, 2) if low_scores else self.rng.randint(3, 5)
                for c in CRITERIA
            }
            review = record_review(
                application=application,
                reviewer=reviewer,
                scores=scores,
                recommendation="do_not_fund" if low_scores else "fund",
                comments="Comentario interno del comité de revisión.",
            )
            self._stamp(Review, review, reviewed_at=_moment(submitted_on + timedelta(days=30)))

    def _award(self, application, decided_on: date, index: int, *, leave_open: bool) -> Grant:
        requested = application.requested_amount
        amount = requested if index % 4 else (requested * Decimal("0.9")).quantize(Decimal(1000))
        start = _months(decided_on, 1)
        end = _months(start, 12)
        first = (amount * Decimal("0.6")).quantize(Decimal("0.01"))
        tranches = [
            TrancheInput(first, start, "Firma del convenio"),
            TrancheInput(amount - first, _months(start, 7), "Informe intermedio aceptado"),
        ]
        reports = [
            ReportInput(GrantReport.Kind.NARRATIVE, _months(start, 6)),
            ReportInput(GrantReport.Kind.NARRATIVE, _months(end, 1)),
            ReportInput(GrantReport.Kind.FINANCIAL, _months(end, 1)),
        ]
        grant = award_application(
            application=application,
            amount=amount,
            currency=application.currency,
            start_date=start,
            end_date=end,
            tranches=tranches,
            reports=reports,
            conditions="Entregar listas de asistencia y comprobantes fiscales.",
            reason="Proyecto pertinente y bien fundamentado.",
            by=self.staff,
        )
        self._stamp(GrantApplication, application, decided_at=_moment(decided_on))
        self._stamp(Grant, grant, awarded_at=_moment(decided_on))
        self._history(grant, application, index, leave_open=leave_open)
        return grant

    def _history(self, grant: Grant, application, index: int, *, leave_open: bool) -> None:
        terminated = index in TERMINATED
        for tranche in grant.tranches.order_by("number"):
            if terminated and tranche.number > 1:
                break  # the second tranche was never paid
            record_tranche_release(tranche=tranche, on=tranche.planned_date, by=self.staff)
            if leave_open and tranche.number > 1:
                continue  # the leader's last payment waits for the overdue financial report
            record_tranche_payment(
                tranche=tranche, on=tranche.planned_date + timedelta(days=5), by=self.staff
            )
        lines = list(application.budget_lines.order_by("pk"))
        for report in grant.reports.order_by("due_date", "kind"):
            if leave_open and report.kind == GrantReport.Kind.FINANCIAL:
                continue  # the demo leader's final financial report is overdue
            if terminated and report.due_date > grant.start_date + timedelta(days=200):
                break
            self._report(report, lines)
        if terminated:
            terminate_grant(
                grant=grant,
                reason="La organización suspendió operaciones por falta de personal.",
                by=self.staff,
            )
            self._stamp(Grant, grant, ended_at=_moment(grant.start_date + timedelta(days=240)))
        elif not leave_open:
            close_grant(grant=grant, by=self.staff)
            self._stamp(Grant, grant, ended_at=_moment(grant.end_date + timedelta(days=60)))

    def _report(self, report: GrantReport, lines) -> None:
        spending = []
        if report.kind == GrantReport.Kind.FINANCIAL:
            spending = [
                SpendingInput(
                    line.pk,
                    (line.amount * Decimal(self.rng.randint(85, 100)) / 100).quantize(
                        Decimal("0.01")
                    ),
                )
                for line in lines
            ]
        by = self.leader or self.staff
        submit_report(
            report=report,
            narrative="Avances de las actividades y resultados del periodo.",
            spending=spending,
            by=by,
        )
        accept_report(report=report, by=self.staff)
        self._stamp(
            GrantReport,
            report,
            submitted_at=_moment(report.due_date - timedelta(days=3)),
            reviewed_at=_moment(report.due_date + timedelta(days=10)),
            **({} if self.leader else {"submitted_by": None}),
        )

    def _stamp_application(self, application, submitted_on: date) -> None:
        extra = {} if self.leader else {"created_by": None, "submitted_by": None}
        self._stamp(GrantApplication, application, submitted_at=_moment(submitted_on), **extra)
        GrantApplication.objects.filter(pk=application.pk).update(
            created_at=_moment(submitted_on - timedelta(days=10))
        )

    @staticmethod
    def _stamp(model, obj, **fields) -> None:
        model.objects.filter(pk=obj.pk).update(**fields)
