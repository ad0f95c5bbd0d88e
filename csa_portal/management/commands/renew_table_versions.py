"""Renew every table's version token: every kept page and kept value is computed again.

A release step, once no process runs the previous code any more: a process still running it
while the new one serves pages may have written in a way the new code's kept pages do not
follow (csa_portal.table_versions), and this makes sure none of those pages outlives the deploy.
"""

from django.core.management.base import BaseCommand

from csa_portal import table_versions


class Command(BaseCommand):
    help = "Renew every table's version token, so every kept page and value is computed again."

    def handle(self, *args: object, **options: object) -> None:
        tables = table_versions.known_tables()
        table_versions.renew(tables)
        self.stdout.write(f"Renewed the versions of {len(tables)} tables.")
