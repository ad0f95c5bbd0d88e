from django.db import migrations


def seed(apps, schema_editor):
    from learning_communities.reference_data import ensure_key_issues

    ensure_key_issues(apps.get_model("learning_communities", "KeyIssue"))


class Migration(migrations.Migration):
    dependencies = [("learning_communities", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
