from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("ita", "0004_bound_free_text"),
    ]

    operations = [
        migrations.AddField(
            model_name="framework",
            name="assessor",
            field=models.CharField(
                blank=True,
                choices=[("nacc_itas", "NACC (ITAS)"), ("obec_ita_online", "OBEC (ITA Online)")],
                max_length=20,
                verbose_name="assessor",
            ),
        ),
        migrations.AddField(
            model_name="framework",
            name="assessor_unconfirmed",
            field=models.BooleanField(default=False, verbose_name="assessor unconfirmed"),
        ),
        migrations.AddField(
            model_name="framework",
            name="assessor_note",
            field=models.TextField(blank=True, max_length=2000, verbose_name="note on the assessor"),
        ),
        migrations.AlterField(
            model_name="instrument",
            name="code",
            field=models.CharField(max_length=10, verbose_name="code"),
        ),
        # Filled from the code by the next migration; every instrument so far is IIT, EIT or OIT.
        migrations.AddField(
            model_name="instrument",
            name="kind",
            field=models.CharField(
                choices=[("IIT", "IIT"), ("EIT", "EIT"), ("OIT", "OIT")],
                default="",
                help_text=(
                    "What it measures: internal perception (IIT), external perception (EIT) or open data (OIT)."
                ),
                max_length=3,
                verbose_name="kind",
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="itemdefinition",
            name="evidence_period",
            field=models.CharField(
                blank=True,
                choices=[
                    ("current_fy", "Current fiscal year"),
                    ("previous_fy", "Previous fiscal year"),
                    ("quarterly", "Current fiscal year, by quarter"),
                    ("none", "No period"),
                ],
                help_text="The time the evidence must cover; blank when the year's sources do not say.",
                max_length=20,
                verbose_name="evidence period",
            ),
        ),
        migrations.AddField(
            model_name="itemdefinition",
            name="evidence_form",
            field=models.CharField(
                blank=True,
                choices=[("file", "File"), ("link", "Link"), ("both", "File and link")],
                help_text="Whether the item needs a file, a link or both; blank when the sources do not say.",
                max_length=10,
                verbose_name="evidence form",
            ),
        ),
        migrations.AddField(
            model_name="itemdefinition",
            name="guidance_th",
            field=models.TextField(blank=True, max_length=4000, verbose_name="guidance (Thai)"),
        ),
        migrations.AddField(
            model_name="itemdefinition",
            name="guidance_en",
            field=models.TextField(blank=True, max_length=4000, verbose_name="guidance (English)"),
        ),
        migrations.AddField(
            model_name="itemdefinition",
            name="previous_codes",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text="Codes of the previous fiscal year's items that this one continues, as a list.",
                verbose_name="last year's items",
            ),
        ),
    ]
