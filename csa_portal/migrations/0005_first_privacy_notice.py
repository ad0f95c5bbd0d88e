"""The first privacy notice, so the portal asks for acceptance from its first start."""

from datetime import date
from pathlib import Path

from django.db import migrations

TEXTS = Path(__file__).resolve().parent.parent / "privacy_texts"


def seed(apps, schema_editor):
    """Idempotent: tests/migrated_data.py runs it again after transactional tests flush."""
    PrivacyNotice = apps.get_model("csa_portal", "PrivacyNotice")

    def text(name: str) -> str:
        return (TEXTS / f"v1_{name}.txt").read_text(encoding="utf-8").strip()

    PrivacyNotice.objects.get_or_create(
        version=1,
        defaults={
            "published_on": date(2026, 11, 25),
            "full_es": text("full_es"),
            "full_en": text("full_en"),
            "short_es": text("short_es"),
            "short_en": text("short_en"),
            "summary_of_changes": "Primera versión.",
        },
    )


class Migration(migrations.Migration):
    dependencies = [("csa_portal", "0004_privacy_notice_consents_requests")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
