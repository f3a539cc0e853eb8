# The public changes list and the overview's latest changes read published status changes newest
# first: an index in that order, over the published ones only, spares sorting all of them.

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("commitments", "0018_archive"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="statusupdate",
            index=models.Index(
                condition=models.Q(("review_state", "published")), fields=["-published_at", "-id"], name="statusupdate_published_order",
            ),
        ),
    ]
