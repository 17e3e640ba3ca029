from django.db import migrations

CODES = ["S", "P", "D", "C", "A"]


def fill_stages(apps, schema_editor):
    """Assessments opened before the cycle existed get its five stages."""
    Assessment = apps.get_model("ita", "Assessment")
    Stage = apps.get_model("spdca", "Stage")
    Stage.objects.bulk_create(
        (
            Stage(assessment_id=assessment_id, code=code, order=order)
            for assessment_id in Assessment.objects.values_list("id", flat=True)
            for order, code in enumerate(CODES)
        ),
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [("spdca", "0001_add_cycle")]

    operations = [migrations.RunPython(fill_stages, migrations.RunPython.noop)]
