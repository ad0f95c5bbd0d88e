from django.core.management.base import BaseCommand
from django.db import transaction

from csa_portal.demo import DEMO_LOGINS, DEMO_PASSWORD, demo_steps


class Command(BaseCommand):
    help = "Load the demo program (idempotent and deterministic) and print the demo logins."

    def handle(self, *args, **options) -> None:
        with transaction.atomic():
            for step in demo_steps():
                self.stdout.write(f"Demo: {step.name}…")
                step.build(lambda message: self.stdout.write(f"  {message}"))
        self.stdout.write(self.style.SUCCESS(f"\nDemo logins (password for all: {DEMO_PASSWORD})"))
        for email, name, role in DEMO_LOGINS:
            self.stdout.write(f"  {email:<22} {name:<16} {role}")
