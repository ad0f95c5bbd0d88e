"""The three instruments the portal ships (organizations/instruments/*.json), as data.

Production needs them without the demo; later versions of an instrument ship as new files
with a higher version and a migration like this one.
"""

from django.db import migrations


def seed(apps, schema_editor):
    from organizations.services.instruments import shipped_instruments, write_instrument

    models = [apps.get_model("organizations", name) for name in ("Framework", "Area", "Indicator")]
    for data in shipped_instruments():
        write_instrument(data, *models)


class Migration(migrations.Migration):
    dependencies = [("organizations", "0004_capacity_and_plans")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
