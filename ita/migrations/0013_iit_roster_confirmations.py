from django.db import migrations


def confirmations_on_the_roster(apps, schema_editor):
    """Each existing confirmation points at its person's entry on the office's staff list."""
    IITConfirmation = apps.get_model("ita", "IITConfirmation")
    StaffMember = apps.get_model("accounts", "StaffMember")
    for confirmation in IITConfirmation.objects.select_related("assessment", "user").iterator():
        user = confirmation.user
        entry, _created = StaffMember.objects.get_or_create(
            office_id=confirmation.assessment.office_id,
            user=user,
            defaults={
                "honorific": user.honorific[:50],
                "first_name": (user.first_name or user.username)[:150],
                "last_name": user.last_name[:150],
                "position": user.position[:200],
                "is_active": False,  # no longer a member, or the roster migration would have listed them
            },
        )
        confirmation.staff_member = entry
        confirmation.channel = "self" if confirmation.recorded_by_id == user.pk else "roster"
        confirmation.save(update_fields=["staff_member", "channel"])


class Migration(migrations.Migration):
    dependencies = [("ita", "0012_iit_roster")]

    operations = [migrations.RunPython(confirmations_on_the_roster, migrations.RunPython.noop)]
