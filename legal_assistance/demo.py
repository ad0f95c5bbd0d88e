"""Legal assistance in the demo program: a network of fictional firms, cases 2016-2020 in all
five areas across the tiers (with hours, one firm declining for a conflict), a few cases of
today for the desk, and compliance checklists that improve from 2016 to 2020.

Everything goes through the services; the dates the services stamp ("now") are then set to
when things happened in the program. Deterministic (fixed seed, stable order) and idempotent.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils import timezone

from csa_portal.models import User
from organizations.demo import LEADER_ORG
from organizations.models import Organization

from .models import (
    CaseMessage,
    CaseNote,
    ComplianceChange,
    ComplianceItem,
    ComplianceStatus,
    FirmMatch,
    HoursEntry,
    LawFirm,
    Lawyer,
    LegalArea,
    LegalCase,
)
from .services.cases import (
    ACCEPT,
    ASK_FOR_MORE,
    DECLINE,
    add_message,
    add_milestone,
    add_note,
    close_case,
    log_hours,
    match_firm,
    request_assistance,
    resolve_case,
    respond_to_match,
    triage,
)
from .services.compliance import update_compliance_item
from .services.network import add_lawyer, save_firm

MEXICO = ZoneInfo("America/Mexico_City")
DEMO_LAWYER = "lawyer@demo.csa.mx"
DEMO_FIRM = "Bufete Sonorense de Derecho Social"
C, F, L, A, P = (
    LegalArea.CORPORATE,
    LegalArea.FISCAL,
    LegalArea.LABOR,
    LegalArea.AML,
    LegalArea.DATA_PRIVACY,
)
# (name, city, state, areas, rate MXN/h, pledged hours a year, lawyers). All names are invented.
FIRMS = [
    (DEMO_FIRM, "Hermosillo", "SON", [C, F, L, P], "1800", 150,
     [(DEMO_LAWYER, "Laura Abogada"), ("rodrigo.mendez@bufete-sonorense.demo", "Rodrigo Méndez")]),
    ("Despacho Fiscal del Norte", "Monterrey", "NL", [F, A, C], "2500", 200,
     [("ana.villarreal@fiscal-norte.demo", "Ana Villarreal")]),
    ("Abogados Laguneros Asociados", "Torreón", "COAH", [L, C], "1500", 120,
     [("jorge.saucedo@laguneros.demo", "Jorge Saucedo")]),
    ("Consultoría Jurídica Capitalina", "Ciudad de México", "CDMX", [P, A, F, C], "3200", 300,
     [("mariana.ortega@capitalina.demo", "Mariana Ortega"), ("pablo.rios@capitalina.demo", "Pablo Ríos")]),
    ("Defensa Legal Fronteriza", "Ciudad Juárez", "CHIH", [L, P], "1400", 100,
     [("elena.chavez@fronteriza.demo", "Elena Chávez")]),
    ("Colectivo de Abogadas Pro Bono de Jalisco", "Guadalajara", "JAL", [C, L, A], "1600", 80,
     [("teresa.lomeli@abogadas-jalisco.demo", "Teresa Lomelí")]),
]  # fmt: skip
AREAS = [C, F, L, A, P]
NEEDS = {
    C: ("Actualizar el objeto social", "Necesitamos reformar los estatutos para incluir la "
        "atención a víctimas y protocolizar el acta de la última asamblea."),
    F: ("Regularizar declaraciones", "Tenemos declaraciones anuales y retenciones pendientes y "
        "queremos conservar la autorización como donataria."),
    L: ("Contratos del equipo", "Trabajamos con personas por honorarios que en realidad son "
        "personal de planta; queremos contratos e inscripción al IMSS."),
    A: ("Avisos antilavado", "Recibimos donativos de una fundación empresarial y no sabemos si "
        "debemos darnos de alta en el portal antilavado ni cómo identificar a los donantes."),
    P: ("Aviso de privacidad", "Manejamos expedientes de víctimas y no tenemos aviso de "
        "privacidad ni procedimiento para solicitudes de derechos ARCO."),
}  # fmt: skip
OUTCOMES = {
    C: "Estatutos reformados, protocolizados e inscritos en el registro público.",
    F: "Declaraciones presentadas; la autorización como donataria se mantuvo.",
    L: "Contratos firmados e inscripción al IMSS de todo el equipo.",
    A: "Alta en el portal antilavado, expedientes de donantes y avisos al corriente.",
    P: "Aviso de privacidad publicado y procedimiento ARCO aprobado por el consejo.",
}
HOUR_CHOICES = [Decimal(h) for h in ("1", "1.5", "2", "2.5", "3", "4", "5", "6")]


def build(say: Callable[[str], None]) -> None:
    firms = _network()
    say(f"{len(firms)} law firms, {Lawyer.objects.count()} lawyers")
    if LegalCase.objects.exists():
        say("legal cases already loaded")
    else:
        _cases(firms)
        say(
            f"{LegalCase.objects.count()} legal cases, "
            f"{HoursEntry.objects.count()} hours entries, "
            f"{FirmMatch.objects.filter(response=FirmMatch.Response.DECLINED_CONFLICT).count()}"
            " declined for a conflict"
        )
    if ComplianceChange.objects.exists():
        say("compliance checklists already loaded")
    else:
        _checklists()
        say(f"{ComplianceChange.objects.count()} compliance checks 2016-2020")


def _network() -> dict[str, LawFirm]:
    firms = {}
    for name, city, state, areas, rate, pledged, lawyers in FIRMS:
        firm = LawFirm.objects.filter(name=name).first()
        if firm is None:
            firm = save_firm(
                firm=None,
                fields={
                    "name": name,
                    "city": city,
                    "state": state,
                    "reference_hourly_rate": Decimal(rate),
                    "yearly_pledged_hours": pledged,
                    "contact_name": lawyers[0][1],
                    "contact_email": lawyers[0][0],
                    "contact_phone": "+52 55 5000 0000",
                    "is_active": True,
                },
                areas=areas,
            )
        for email, display_name in lawyers:
            if not Lawyer.objects.filter(user__email=email).exists():
                add_lawyer(firm=firm, email=email, display_name=display_name, practice_areas=areas)
        firms[name] = firm
    return firms


def _at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=MEXICO)


class _Story:
    """Moves one case through the workflow and then dates each step."""

    def __init__(self, case: LegalCase, coordinator: User, rng: random.Random) -> None:
        self.case, self.coordinator, self.rng = case, coordinator, rng
        self.day = case.opened_on

    def later(self, low: int, high: int) -> date:
        self.day = self.day + timedelta(days=self.rng.randint(low, high))
        return self.day

    def triage(self, decision: str, message: str = "") -> None:
        triage(case=self.case, decision=decision, by=self.coordinator, message=message)
        LegalCase.objects.filter(pk=self.case.pk).update(triaged_at=_at(self.later(2, 9)))
        CaseMessage.objects.filter(case=self.case).update(created_at=_at(self.day, 11))
        if decision == DECLINE:
            LegalCase.objects.filter(pk=self.case.pk).update(closed_at=_at(self.day))

    def match(self, firm: LawFirm) -> FirmMatch:
        match = match_firm(case=self.case, firm=firm, by=self.coordinator)
        when = _at(self.later(1, 8), 12)
        FirmMatch.objects.filter(pk=match.pk).update(matched_at=when)
        LegalCase.objects.filter(pk=self.case.pk).update(matched_at=when)
        return match

    def respond(self, lawyer: Lawyer, *, conflict: bool = False, reason: str = "") -> None:
        pending = FirmMatch.objects.filter(
            case=self.case, response=FirmMatch.Response.PENDING
        ).latest("id")
        respond_to_match(case=self.case, lawyer=lawyer, conflict=conflict, reason=reason)
        when = _at(self.later(1, 5), 16)
        FirmMatch.objects.filter(pk=pending.pk).update(responded_at=when)
        if not conflict:
            LegalCase.objects.filter(pk=self.case.pk).update(conflict_confirmed_at=when)

    def work(self, lawyers: list[Lawyer], entries: int, until: date) -> None:
        start = self.day
        span = max((until - start).days, entries)
        for number in range(entries):
            worked_on = start + timedelta(days=1 + (span * number) // entries)
            log_hours(
                case=self.case,
                lawyer=lawyers[number % len(lawyers)],
                worked_on=min(worked_on, until),
                hours=self.rng.choice(HOUR_CHOICES),
                description=self.rng.choice(
                    [
                        "Revisión de documentos",
                        "Reunión con la organización",
                        "Redacción de escritos",
                        "Trámite ante la autoridad",
                        "Investigación jurídica",
                    ]
                ),
            )

    def resolve(self, lawyer: Lawyer, outcome: str, *, close: bool) -> None:
        self.day = max(self.day, self.case.opened_on)
        add_milestone(
            case=self.case,
            title="Diagnóstico jurídico entregado",
            reached_on=self.day,
            by=lawyer.user,
        )
        resolve_case(case=self.case, outcome=outcome, by=lawyer.user)
        LegalCase.objects.filter(pk=self.case.pk).update(resolved_at=_at(self.day, 13))
        if close:
            close_case(case=self.case, by=self.coordinator)
            LegalCase.objects.filter(pk=self.case.pk).update(closed_at=_at(self.later(5, 15)))


def _firm_for(area: str, organization: Organization, firms: list[LawFirm], index: int) -> LawFirm:
    practising = [f for f in firms if area in {a.area for a in f.areas.all()}]
    local = [f for f in practising if f.state == organization.state]
    return local[0] if local else practising[index % len(practising)]


def _cases(firms_by_name: dict[str, LawFirm]) -> None:
    rng = random.Random(2018)  # noqa: S311 - demo data
    coordinator = User.objects.get(email="legal@demo.csa.mx")
    firms = list(LawFirm.objects.prefetch_related("areas").order_by("name"))
    lawyers = {
        firm.pk: list(Lawyer.objects.filter(firm=firm).select_related("user").order_by("pk"))
        for firm in firms
    }
    organizations = list(
        Organization.objects.csos().participating().select_related("tier").order_by("pk")
    )
    for index, organization in enumerate(organizations):
        if index % 4 == 3 or organization.name == LEADER_ORG:
            continue
        area = AREAS[index % len(AREAS)]
        year = 2016 + index % 5
        month = 6 + index % 6 if year == 2016 else 1 + (index * 7) % 8
        opened = date(year, month, 1 + (index * 11) % 27)
        _historic_case(organization, area, opened, index, firms, lawyers, coordinator, rng)
    _leader_cases(firms_by_name[DEMO_FIRM], lawyers, coordinator, rng)
    _desk_cases(organizations, firms_by_name, coordinator)


def _historic_case(organization, area, opened, index, firms, lawyers, coordinator, rng) -> None:
    subject, need = NEEDS[area]
    case = request_assistance(
        organization=organization,
        area=area,
        subject=subject,
        need=need,
        urgency="high" if index % 7 == 0 else "normal",
        requested_by=coordinator,
        opened_on=opened,
    )
    story = _Story(case, coordinator, rng)
    if index % 9 == 4:
        story.triage(
            DECLINE, "El asunto es un litigio penal: fuera del alcance de la red pro bono."
        )
        return
    story.triage(ACCEPT)
    firm = _firm_for(area, organization, firms, index)
    if index == 5:
        # The firm first matched knows a donor of the organization: it declines, another takes it.
        story.match(firm)
        story.respond(
            lawyers[firm.pk][0],
            conflict=True,
            reason="Asesoramos a una empresa donante de la organización.",
        )
        firm = next(f for f in firms if f.pk != firm.pk and area in {a.area for a in f.areas.all()})
    story.match(firm)
    story.respond(lawyers[firm.pk][0])
    finished = story.day + timedelta(days=rng.randint(30, 200))
    story.work(lawyers[firm.pk], rng.randint(3, 7), finished)
    story.day = finished
    if opened.year < 2020 or index % 2 == 0:
        story.resolve(lawyers[firm.pk][0], OUTCOMES[area], close=opened.year < 2020)


def _leader_cases(firm: LawFirm, lawyers, coordinator, rng) -> None:
    """The demo leader's organization: a past case, one in progress with the demo lawyer's firm
    and one where the coordinators asked for more information."""
    organization = Organization.objects.get(name=LEADER_ORG)
    leader = User.objects.get(email="leader@demo.csa.mx")
    team = lawyers[firm.pk]
    demo_lawyer = next(lawyer for lawyer in team if lawyer.user.email == DEMO_LAWYER)
    subject, need = NEEDS[C]
    past = request_assistance(
        organization=organization, area=C, subject=subject, need=need,
        urgency="normal", requested_by=leader, opened_on=date(2017, 3, 10),
    )  # fmt: skip
    story = _Story(past, coordinator, rng)
    story.triage(ACCEPT)
    story.match(firm)
    story.respond(demo_lawyer)
    story.work(team, 5, story.day + timedelta(days=90))
    story.day += timedelta(days=95)
    story.resolve(demo_lawyer, OUTCOMES[C], close=True)

    today = timezone.localdate()
    subject, need = NEEDS[P]
    current = request_assistance(
        organization=organization, area=P, subject=subject, need=need,
        urgency="high", requested_by=leader, opened_on=today - timedelta(days=60),
    )  # fmt: skip
    story = _Story(current, coordinator, random.Random(7))  # noqa: S311 - demo data
    story.triage(ACCEPT)
    story.match(firm)
    story.respond(demo_lawyer)
    story.work([demo_lawyer], 4, today - timedelta(days=2))
    add_message(
        case=current,
        author=leader,
        text="Les compartimos el formato que usamos hoy para registrar a las víctimas.",
    )
    add_note(
        case=current,
        author=demo_lawyer.user,
        text="Revisar el consentimiento de menores con sus tutores.",
    )
    add_milestone(case=current, title="Inventario de datos personales terminado", reached_on=today - timedelta(days=20), by=demo_lawyer.user)  # fmt: skip
    CaseMessage.objects.filter(case=current, author=leader).update(
        created_at=_at(today - timedelta(days=30))
    )
    CaseNote.objects.filter(case=current).update(created_at=_at(today - timedelta(days=25)))

    subject, need = NEEDS[F]
    asked = request_assistance(
        organization=organization, area=F, subject=subject, need=need,
        urgency="normal", requested_by=leader, opened_on=today - timedelta(days=10),
    )  # fmt: skip
    _Story(asked, coordinator, random.Random(8)).triage(  # noqa: S311 - demo data
        ASK_FOR_MORE,
        "¿Qué ejercicios fiscales están pendientes? Compartan su constancia de situación fiscal.",
    )


def _desk_cases(organizations, firms_by_name, coordinator) -> None:
    """Today's work for the desk: one to triage, one to match, one awaiting the demo firm."""
    today = timezone.localdate()
    others = [o for o in organizations if o.name != LEADER_ORG and o.tier and o.tier.number == 3]
    specs = [
        (others[0], L, "urgent", 3, None),
        (others[1], A, "normal", 7, "accepted"),
        (others[2], C, "normal", 5, "matched"),
    ]
    for organization, area, urgency, days_ago, stage in specs:
        subject, need = NEEDS[area]
        case = request_assistance(
            organization=organization, area=area, subject=subject, need=need,
            urgency=urgency, requested_by=coordinator, opened_on=today - timedelta(days=days_ago),
        )  # fmt: skip
        if stage:
            triage(case=case, decision=ACCEPT, by=coordinator)
        if stage == "matched":
            match_firm(case=case, firm=firms_by_name[DEMO_FIRM], by=coordinator)


# Compliance: three checks (2016 baseline, 2018, 2020) with more items compliant each time.
CHECKS = [(date(2016, 9, 15), 0.30, 0.50), (date(2018, 9, 14), 0.60, 0.75), (date(2020, 9, 11), 0.85, 0.95)]  # fmt: skip
RARELY_APPLICABLE = {"aml-registration", "aml-donor-identification", "aml-notices", "aml-officer"}


def _checklists() -> None:
    rng = random.Random(2020)  # noqa: S311 - demo data
    staff = User.objects.get(email="staff@demo.csa.mx")
    items = list(ComplianceItem.objects.order_by("area", "position"))
    organizations = Organization.objects.csos().participating().order_by("pk")
    for index, organization in enumerate(organizations):
        for item in items:
            if not item.applies_by_default(organization):
                continue
            chance = rng.random()
            previous = None
            for checked_on, compliant_below, progress_below in CHECKS:
                if item.code in RARELY_APPLICABLE and index % 3:
                    status = ComplianceStatus.NOT_APPLICABLE
                elif chance < compliant_below:
                    status = ComplianceStatus.COMPLIANT
                elif chance < progress_below:
                    status = ComplianceStatus.IN_PROGRESS
                else:
                    status = ComplianceStatus.NOT_COMPLIANT
                if status == previous:
                    continue
                update_compliance_item(
                    organization=organization,
                    item=item,
                    status=status,
                    evidence="Revisión documental con el equipo del programa."
                    if status == ComplianceStatus.COMPLIANT
                    else "",
                    checked_on=checked_on,
                    case=None,
                    by=staff,
                )
                previous = status
