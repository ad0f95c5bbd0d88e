from django.db import migrations


def seed(apps, schema_editor):
    from organizations.reference_data import POPULATIONS, THEMES, TIERS

    Tier = apps.get_model("organizations", "Tier")
    ThematicArea = apps.get_model("organizations", "ThematicArea")
    Population = apps.get_model("organizations", "Population")
    for number, name_en, name_es, description in TIERS:
        Tier.objects.update_or_create(
            number=number,
            defaults={"name_en": name_en, "name_es": name_es, "description": description},
        )
    by_code = {}
    for code, name_en, name_es, parent in THEMES:
        by_code[code], _ = ThematicArea.objects.update_or_create(
            code=code,
            defaults={"name_en": name_en, "name_es": name_es, "parent": by_code.get(parent)},
        )
    for code, name_en, name_es in POPULATIONS:
        Population.objects.update_or_create(code=code, defaults={"name_en": name_en, "name_es": name_es})


class Migration(migrations.Migration):
    dependencies = [("organizations", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
