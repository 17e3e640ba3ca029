from django.db import migrations


def fill_kind(apps, schema_editor):
    Instrument = apps.get_model("ita", "Instrument")
    for kind in ("IIT", "EIT", "OIT"):
        Instrument.objects.filter(code=kind).update(kind=kind)


class Migration(migrations.Migration):
    dependencies = [
        ("ita", "0005_instrument_kind_and_item_evidence"),
    ]

    operations = [
        migrations.RunPython(fill_kind, migrations.RunPython.noop),
    ]
