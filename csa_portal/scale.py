"""Synthetic programs of any size for benchmarks: each app registers its part from
AppConfig.ready() (like the demo steps); `manage.py generate_scale_data` runs them in order.

Steps write set-based (bulk_create in large batches, INSERT ... SELECT for the big tables) so
10,000 organizations build in minutes on PostgreSQL; the same code runs on SQLite for the
tests' tiny programs. Deterministic for a given seed.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

SCALE_PASSWORD = "scale-bench-2026"  # noqa: S105 - synthetic benchmark logins only
SCALE_EMAIL_DOMAIN = "scale.csa.mx"
# The logins the benchmark signs in with; the steps give them their roles and records.
STAFF_EMAIL = f"staff@{SCALE_EMAIL_DOMAIN}"
LEGAL_EMAIL = f"legal@{SCALE_EMAIL_DOMAIN}"
LEADER_EMAIL = f"leader@{SCALE_EMAIL_DOMAIN}"
BATCH = 5000


@dataclass
class ScaleContext:
    organizations: int
    seed: int
    say: Callable[[str], None]
    rng: random.Random = field(init=False)
    batch_size: int = BATCH

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)  # noqa: S311 - synthetic data, not secrets


@dataclass(frozen=True)
class ScaleStep:
    order: int
    name: str
    build: Callable[[ScaleContext], None]


_STEPS: dict[str, ScaleStep] = {}


def register_scale_step(*, order: int, name: str, build: Callable[[ScaleContext], None]) -> None:
    _STEPS[name] = ScaleStep(order=order, name=name, build=build)


def scale_steps() -> list[ScaleStep]:
    return sorted(_STEPS.values(), key=lambda s: s.order)


def build_logins(ctx: ScaleContext) -> None:
    """The benchmark's program staff and legal coordinator (the leader comes with its org)."""
    from .models import ProgramRole, User

    for email, name, role in [
        (STAFF_EMAIL, "Scale Staff", ProgramRole.STAFF),
        (LEGAL_EMAIL, "Scale Legal", ProgramRole.LEGAL_COORDINATOR),
    ]:
        user = User(email=email, display_name=name, program_role=role, preferred_language="en")
        user.set_password(SCALE_PASSWORD)
        user.save()
    ctx.say("2 program logins")
