"""The offer page's cache version on each campaign (``candidatures.offer``). Existing rows get
one random value each: any value not used before will do."""

import uuid

from django.db import migrations, models


def fresh_versions(apps, schema_editor):
    Campaign = apps.get_model("candidatures", "Campaign")
    for pk in Campaign.objects.values_list("pk", flat=True):
        Campaign.objects.filter(pk=pk).update(offer_version=uuid.uuid4())


class Migration(migrations.Migration):
    dependencies = [
        ("candidatures", "0007_drop_decide_permission"),
    ]

    operations = [
        migrations.AddField(
            model_name="campaign",
            name="offer_version",
            field=models.UUIDField(default=uuid.uuid4, editable=False),
        ),
        migrations.RunPython(fresh_versions, migrations.RunPython.noop),
    ]
