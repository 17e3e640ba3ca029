from django.db import migrations


def fill_requirement_checks(apps, schema_editor):
    """Items made before the checklist existed get one check per minimum content."""
    Item = apps.get_model("oit", "Item")
    ItemRequirement = apps.get_model("ita", "ItemRequirement")
    RequirementCheck = apps.get_model("oit", "RequirementCheck")
    requirements: dict[int, list[int]] = {}
    for requirement_id, definition_id in ItemRequirement.objects.values_list("id", "item_id"):
        requirements.setdefault(definition_id, []).append(requirement_id)
    RequirementCheck.objects.bulk_create(
        (
            RequirementCheck(item_id=item_id, requirement_id=requirement_id)
            for item_id, definition_id in Item.objects.values_list("id", "definition_id").iterator()
            for requirement_id in requirements.get(definition_id, [])
        ),
        ignore_conflicts=True,
        batch_size=1000,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("ita", "0001_initial"),
        ("oit", "0002_add_evidence_review_and_publication"),
    ]

    operations = [migrations.RunPython(fill_requirement_checks, migrations.RunPython.noop)]
