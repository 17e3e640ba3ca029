import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("ita", "0013_iit_roster_confirmations")]

    operations = [
        migrations.AlterField(
            model_name='iitconfirmation',
            name='staff_member',
            field=models.ForeignKey(on_delete=django.db.models.deletion.RESTRICT, related_name='iit_confirmations', to='accounts.staffmember'),
        ),
    ]
