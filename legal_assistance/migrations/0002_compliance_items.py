"""The compliance checklist items the portal ships (legal_assistance/compliance_items.json).

Production needs them without the demo; a later change of the items ships as a new migration
calling the same idempotent seed (rows are matched by code).
"""

import json
from pathlib import Path

from django.db import migrations

ITEMS = Path(__file__).resolve().parents[1] / "compliance_items.json"
FIELDS = ("area", "position", "applies_to", "text_en", "text_es", "guidance_en", "guidance_es")


def seed(apps, schema_editor):
    item_model = apps.get_model("legal_assistance", "ComplianceItem")
    for data in json.loads(ITEMS.read_text(encoding="utf-8")):
        item_model.objects.update_or_create(
            code=data["code"], defaults={name: data[name] for name in FIELDS}
        )


class Migration(migrations.Migration):
    dependencies = [("legal_assistance", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
