from django.db import migrations


def fill_instrument(apps, schema_editor):
    """Give each existing EIT count its year's EIT instrument (every year so far has one)."""
    EITCount = apps.get_model("ita", "EITCount")
    Instrument = apps.get_model("ita", "Instrument")
    frameworks = EITCount.objects.filter(instrument__isnull=True).values_list(
        "assessment__framework_id", flat=True
    )
    for framework_id in set(frameworks):
        instrument = (
            Instrument.objects.filter(framework_id=framework_id, kind="EIT").order_by("order", "id").first()
            or Instrument.objects.filter(framework_id=framework_id, code="EIT").first()
        )
        if instrument is None:
            raise RuntimeError(f"Framework {framework_id} has EIT counts but no EIT instrument to give them.")
        EITCount.objects.filter(instrument__isnull=True, assessment__framework_id=framework_id).update(
            instrument=instrument
        )


class Migration(migrations.Migration):
    dependencies = [
        ("ita", "0009_eit_instrument_token_and_target_version"),
    ]

    operations = [
        migrations.RunPython(fill_instrument, migrations.RunPython.noop),
    ]
