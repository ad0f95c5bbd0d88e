"""Compile locale/*/LC_MESSAGES/*.po into .mo with polib, so no GNU gettext (msgfmt) is needed."""

from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Compile every .po under LOCALE_PATHS (locale/*/LC_MESSAGES/*.po) into .mo with polib."

    def handle(self, *args: object, **options: object) -> None:
        base_dir = Path(settings.BASE_DIR)
        po_paths = sorted(
            path
            for locale_dir in settings.LOCALE_PATHS
            for path in Path(locale_dir).glob("*/LC_MESSAGES/*.po")
        )
        if not po_paths:
            raise CommandError("No .po files found under LOCALE_PATHS (*/LC_MESSAGES/*.po).")
        # Parse everything first, so a broken catalog leaves every .mo untouched.
        catalogs: list[tuple[Path, polib.POFile]] = []
        for po_path in po_paths:
            try:
                catalogs.append((po_path, polib.pofile(str(po_path))))
            except (OSError, ValueError) as exc:  # polib raises OSError on syntax errors
                raise CommandError(f"Cannot parse {po_path}: {exc}") from exc
        for po_path, catalog in catalogs:
            mo_path = po_path.with_suffix(".mo")
            catalog.save_as_mofile(str(mo_path))  # fuzzy and untranslated entries are left out
            summary = f"{len(catalog.translated_entries())} translated"
            skipped = len(catalog.fuzzy_entries()), len(catalog.untranslated_entries())
            if any(skipped):
                summary += f"; skipped {skipped[0]} fuzzy and {skipped[1]} untranslated"
            shown = mo_path.relative_to(base_dir) if mo_path.is_relative_to(base_dir) else mo_path
            self.stdout.write(f"Compiled {shown} ({summary})")
        self.stdout.write(self.style.SUCCESS(f"Compiled {len(catalogs)} catalog(s)."))
