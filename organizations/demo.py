"""The organizations of the demo program: fictional names, the case study's shape.

45 participating CSOs active 2016-2020 in Tiers 1-3 (Tier 3: eight local leaders from Sonora and
Coahuila), their people and leaders, and stakeholders from government, the private sector,
universities and media. Deterministic: a fixed seed and stable keys make every run the same.
"""

import random
from collections.abc import Callable
from datetime import date

from csa_portal.models import User

from .models import (
    LegalForm,
    Membership,
    Organization,
    ParticipationStatus,
    Person,
    Population,
    Sector,
    ThematicArea,
    Tier,
)
from .services import add_membership, create_organization, save_person

LEADER_ORG = "Red Sonorense por la Paz"

# (name, acronym, state, municipality) per tier. All names are invented.
TIER3 = [
    (LEADER_ORG, "RSP", "SON", "Hermosillo"),
    ("Mujeres de Cajeme por una Vida sin Violencia", "MCVV", "SON", "Cajeme"),
    ("Frontera Segura Nogales", "FSN", "SON", "Nogales"),
    ("Colectivo Desierto de Derechos", "CDD", "SON", "San Luis Río Colorado"),
    ("Coahuila Construye Paz", "CCP", "COAH", "Saltillo"),
    ("Observatorio Laguna de Justicia", "OLJ", "COAH", "Torreón"),
    ("Centro Norteño de Mediación Comunitaria", "CNMC", "COAH", "Monclova"),
    ("Jóvenes Fronterizos de Piedras Negras", "JFPN", "COAH", "Piedras Negras"),
]
PLACES = [
    ("CDMX", "Iztapalapa"),
    ("CDMX", "Cuauhtémoc"),
    ("CHIH", "Ciudad Juárez"),
    ("CHIH", "Chihuahua"),
    ("JAL", "Guadalajara"),
    ("NL", "Monterrey"),
    ("BC", "Tijuana"),
    ("GRO", "Acapulco"),
    ("OAX", "Oaxaca de Juárez"),
    ("MICH", "Morelia"),
    ("PUE", "Puebla"),
    ("TAMPS", "Reynosa"),
    ("SON", "Guaymas"),
    ("COAH", "Acuña"),
    ("MEX", "Ecatepec"),
    ("VER", "Xalapa"),
    ("CHIS", "San Cristóbal de las Casas"),
    ("SIN", "Culiacán"),
]
KINDS = ["Fundación", "Red", "Centro", "Colectivo", "Iniciativa", "Observatorio", "Asociación"]
FOCUS = [
    ("por la Justicia Restaurativa", ["justice-reform", "victims"]),
    ("Juventudes sin Violencia", ["crime-prevention", "youth"]),
    ("de Derechos Humanos y Migración", ["human-rights", "migration"]),
    ("Ciudadana para la Seguridad", ["crime-prevention"]),
    ("de Defensa de Víctimas", ["justice-reform", "victims"]),
    ("Tecnología y Paz", ["human-rights", "technology"]),
    ("Mujeres Libres", ["crime-prevention", "women"]),
    ("por la Reinserción Social", ["crime-prevention", "secondary-tertiary"]),
    ("de Búsqueda y Memoria", ["human-rights", "disappearances"]),
    ("Juicio Justo", ["justice-reform", "criminal-justice"]),
]
STAKEHOLDERS = [
    (
        "Secretaría Estatal de Seguridad de Sonora (demo)",
        "SESS",
        Sector.GOVERNMENT,
        "SON",
        "Hermosillo",
    ),
    ("Fiscalía General de Coahuila (demo)", "FGC", Sector.GOVERNMENT, "COAH", "Saltillo"),
    (
        "Instituto Municipal de la Juventud de Cajeme (demo)",
        "IMJC",
        Sector.GOVERNMENT,
        "SON",
        "Cajeme",
    ),
    (
        "Comisión Estatal de Derechos Humanos de Chihuahua (demo)",
        "CEDHC",
        Sector.GOVERNMENT,
        "CHIH",
        "Chihuahua",
    ),
    ("Grupo Industrial del Norte (demo)", "GIN", Sector.PRIVATE, "NL", "Monterrey"),
    ("Cámara de Comercio de Torreón (demo)", "CCT", Sector.PRIVATE, "COAH", "Torreón"),
    ("Universidad del Desierto (demo)", "UDD", Sector.UNIVERSITY, "SON", "Hermosillo"),
    ("Universidad Autónoma de la Laguna (demo)", "UAL", Sector.UNIVERSITY, "COAH", "Torreón"),
    ("Radio Comunitaria Voces del Norte (demo)", "RCVN", Sector.MEDIA, "SON", "Nogales"),
    ("Diario Digital Frontera Abierta (demo)", "DDFA", Sector.MEDIA, "CHIH", "Ciudad Juárez"),
    ("Fondo Mexicano para la Sociedad Civil (demo)", "FMSC", Sector.DONOR, "CDMX", "Cuauhtémoc"),
]
FIRST = [
    "María",
    "José",
    "Guadalupe",
    "Juan",
    "Fernanda",
    "Carlos",
    "Ana",
    "Luis",
    "Rosa",
    "Miguel",
    "Elena",
    "Jorge",
    "Patricia",
    "Ricardo",
    "Adriana",
    "Héctor",
    "Claudia",
]
LAST = [
    "Hernández",
    "García",
    "Martínez",
    "López",
    "González",
    "Pérez",
    "Rodríguez",
    "Sánchez",
    "Ramírez",
    "Cruz",
    "Flores",
    "Gómez",
    "Morales",
    "Vázquez",
    "Reyes",
]
POSITIONS = [
    ("Directora general", Person.Level.LEADERSHIP),
    ("Coordinador de programas", Person.Level.MANAGEMENT),
    ("Responsable administrativa", Person.Level.MANAGEMENT),
    ("Promotora comunitaria", Person.Level.STAFF),
    ("Voluntario", Person.Level.VOLUNTEER),
]


def _cso_specs(rng: random.Random) -> list[dict]:
    specs = [
        {
            "name": n,
            "acronym": a,
            "state": s,
            "municipality": m,
            "tier": 3,
            "themes": ["crime-prevention", "women" if i % 2 else "youth"],
        }
        for i, (n, a, s, m) in enumerate(TIER3)
    ]
    combos = [(k, f) for f in FOCUS for k in KINDS]
    rng.shuffle(combos)
    for index in range(37):  # 22 in Tier 1, 15 in Tier 2
        kind, (focus, themes) = combos[index]
        state, municipality = PLACES[index % len(PLACES)]
        name = f"{kind} {focus} {municipality}"
        acronym = "".join(w[0] for w in name.split() if w[0].isupper())[:6]
        specs.append(
            {
                "name": name,
                "acronym": acronym,
                "state": state,
                "municipality": municipality,
                "tier": 1 if index < 22 else 2,
                "themes": themes,
            }
        )
    return specs


def _rfc(acronym: str, founded: int, index: int) -> str:
    letters = (acronym.upper().replace("Ñ", "N") + "XXX")[:3]
    return f"{letters}{founded % 100:02d}{(index % 12) + 1:02d}{(index % 27) + 1:02d}A{index % 10}{index % 7}"


def build(say: Callable[[str], None]) -> None:
    rng = random.Random(2016)  # noqa: S311 - demo data, not security
    tiers = {t.number: t for t in Tier.objects.all()}
    themes = {t.code: t for t in ThematicArea.objects.all()}
    populations = list(Population.objects.order_by("code"))
    staff = User.objects.get(email="staff@demo.csa.mx")
    created = 0
    for index, spec in enumerate(_cso_specs(rng)):
        founded = rng.randint(1995, 2014)
        start = date(2016, rng.choice([3, 6, 9]), 1)
        fields = {
            "name": spec["name"],
            "acronym": spec["acronym"],
            "sector": Sector.CSO,
            "tier": tiers[spec["tier"]],
            "status": ParticipationStatus.GRADUATED,
            "participation_start": start,
            "participation_end": date(2020, 9, 30),
            "legal_form": LegalForm.AC if index % 5 else LegalForm.IAP,
            "rfc": _rfc(spec["acronym"], founded, index),
            "cluni": f"{spec['acronym'][:3].upper():X<3}{founded}{index:04d}",
            "authorized_donee": index % 3 == 0,
            "founded": founded,
            "state": spec["state"],
            "municipality": spec["municipality"],
            "staff_range": rng.choice(["0-5", "6-20", "6-20", "21-50"]),
            "budget_range": rng.choice(["<1m", "1-5m", "1-5m", "5-20m"]),
            "mission": f"{spec['name']} trabaja en {spec['municipality']} para prevenir la violencia, "
            "fortalecer el acceso a la justicia y proteger los derechos humanos.",
            "email": f"contacto{index + 1}@ejemplo-osc.mx",
            "phone": f"+52 55 5{index:03d} {1000 + index}",
            "thematic_areas": [themes[c] for c in spec["themes"]],
            "populations": rng.sample(populations, 2),
        }
        if spec["name"] == LEADER_ORG:
            # Leave gaps so the demo leader sees what needs attention on their home page.
            fields.update(mission="", budget_range="", email="")
        organization, was_created = _ensure(fields, staff)
        created += was_created
        if was_created:
            _add_people(organization, rng)
    for name, acronym, sector, state, municipality in STAKEHOLDERS:
        _, was_created = _ensure(
            {
                "name": name,
                "acronym": acronym,
                "sector": sector,
                "state": state,
                "municipality": municipality,
                "legal_form": LegalForm.OTHER,
            },
            staff,
        )
        created += was_created
    _demo_memberships()
    say(
        f"{Organization.objects.csos().participating().count()} participating CSOs, "
        f"{Organization.objects.exclude(sector=Sector.CSO).count()} stakeholders ({created} new)"
    )


def _ensure(fields: dict, staff: User) -> tuple[Organization, bool]:
    existing = Organization.objects.filter(name=fields["name"]).first()
    if existing:
        return existing, False
    return create_organization(created_by=staff, fields=fields), True


def _add_people(organization: Organization, rng: random.Random) -> None:
    for position, level in POSITIONS[: rng.randint(3, 5)]:
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)} {rng.choice(LAST)}"
        save_person(
            organization=organization,
            person=None,
            fields={
                "name": name,
                "position": position,
                "level": level,
                "email": f"{name.split()[0].lower()}.{organization.pk}@ejemplo-osc.mx".replace(
                    "í", "i"
                )
                .replace("é", "e")
                .replace("á", "a"),
            },
        )


def _demo_memberships() -> None:
    organization = Organization.objects.get(name=LEADER_ORG)
    leader = User.objects.get(email="leader@demo.csa.mx")
    member = User.objects.get(email="member@demo.csa.mx")
    add_membership(user=leader, organization=organization, role=Membership.Role.LEADER)
    add_membership(user=member, organization=organization, role=Membership.Role.MEMBER)
    for user, level in ((leader, Person.Level.LEADERSHIP), (member, Person.Level.STAFF)):
        if not organization.people.filter(user=user).exists():
            save_person(
                organization=organization,
                person=None,
                fields={
                    "name": user.display_name,
                    "position": "",
                    "level": level,
                    "email": user.email,
                    "user": user,
                },
            )
