"""The demo program: each app registers its part from AppConfig.ready(); load_demo runs them."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class DemoStep:
    order: int
    name: str
    build: Callable[[Callable[[str], None]], None]  # receives a function to print progress


_STEPS: dict[str, DemoStep] = {}


def register_demo_step(*, order: int, name: str, build) -> None:
    _STEPS[name] = DemoStep(order=order, name=name, build=build)


def demo_steps() -> list[DemoStep]:
    return sorted(_STEPS.values(), key=lambda s: s.order)


DEMO_PASSWORD = "demo-csa-2026"  # noqa: S105 - printed on purpose: demo logins only

# (email, display name, what they can do); organizations.demo gives them their roles.
DEMO_LOGINS = [
    ("admin@demo.csa.mx", "Ana Admin", "admin: Django admin and everything"),
    ("staff@demo.csa.mx", "Sofía Staff", "program staff"),
    ("legal@demo.csa.mx", "Luis Legal", "legal coordinator (program staff who sees legal cases)"),
    ("leader@demo.csa.mx", "Lucía Líder", "CSO leader of Red Sonorense por la Paz"),
    ("member@demo.csa.mx", "Mateo Miembro", "CSO member of Red Sonorense por la Paz"),
    ("lawyer@demo.csa.mx", "Laura Abogada", "pro bono lawyer"),
]


def build_users(say: Callable[[str], None]) -> None:
    from .models import ProgramRole, User

    roles = {
        "admin@demo.csa.mx": {
            "is_superuser": True,
            "is_staff": True,
            "program_role": ProgramRole.STAFF,
        },
        "staff@demo.csa.mx": {"program_role": ProgramRole.STAFF},
        "legal@demo.csa.mx": {"program_role": ProgramRole.LEGAL_COORDINATOR},
    }
    for email, name, _role in DEMO_LOGINS:
        user, created = User.objects.get_or_create(
            email=email, defaults={"display_name": name, **roles.get(email, {})}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
    say(f"{len(DEMO_LOGINS)} demo logins")
