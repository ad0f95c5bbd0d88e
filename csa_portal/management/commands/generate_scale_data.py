"""Build a synthetic program of N organizations for the benchmarks (see bench/README)."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from csa_portal.models import User
from csa_portal.scale import STAFF_EMAIL, ScaleContext, scale_steps


class Command(BaseCommand):
    help = "Build a consistent synthetic program of N organizations (set-based inserts)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--organizations", type=int, required=True)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--steps",
            default="",
            help="Comma-separated step names to run (default: all), e.g. "
            "logins,organizations,capacity,scores for the scoring benchmark.",
        )

    def handle(self, *args, organizations: int, seed: int, steps: str, **options) -> None:
        if organizations < 1:
            raise CommandError("--organizations must be at least 1.")
        # Steps append rows and number them from the start: a second run would collide.
        if User.objects.filter(email=STAFF_EMAIL).exists():
            raise CommandError("This database already holds scale data; use a fresh one.")

        def say(message: str) -> None:
            self.stdout.write(f"  {message}")

        wanted = {name.strip() for name in steps.split(",") if name.strip()}
        known = {step.name for step in scale_steps()}
        if wanted - known:
            raise CommandError(f"Unknown steps {sorted(wanted - known)}; known: {sorted(known)}")
        ctx = ScaleContext(organizations=organizations, seed=seed, say=say)
        started = time.perf_counter()
        for step in scale_steps():
            if wanted and step.name not in wanted:
                continue
            step_started = time.perf_counter()
            self.stdout.write(f"{step.name}...")
            with transaction.atomic():
                step.build(ctx)
            self.stdout.write(f"  ({time.perf_counter() - step_started:.1f} s)")
        if connection.vendor == "postgresql":
            # What autovacuum does after a bulk load in production, done now so that nothing is
            # measured before it catches up (or at all, where it is off): planner statistics
            # (without them pages got nested-loop plans 2-3x slower) and the visibility map and
            # hint bits (without them the first recomputes of all scores read every row's
            # commit status). VACUUM cannot run inside a transaction (a test's): ANALYZE there.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)")
        self.stdout.write(
            self.style.SUCCESS(
                f"{organizations} organizations built in {time.perf_counter() - started:.1f} s"
            )
        )
