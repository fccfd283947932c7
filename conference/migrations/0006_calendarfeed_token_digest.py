"""Calendar addresses: store the digest of each token, not the token, keeping existing subscriptions."""

import hashlib

from django.db import migrations, models


def hash_existing_tokens(apps, schema_editor):
    # The same digest as conference.digests.secret_digest, written out: a migration must not depend on
    # code that may change later. An address already handed out keeps working.
    CalendarFeed = apps.get_model("conference", "CalendarFeed")
    for feed in CalendarFeed.objects.only("pk", "token").iterator():
        CalendarFeed.objects.filter(pk=feed.pk).update(
            token_hash=hashlib.sha256(feed.token.encode()).hexdigest(), prefix=feed.token[:6]
        )


class Migration(migrations.Migration):
    dependencies = [
        ("conference", "0005_dates_in_range"),
    ]

    operations = [
        migrations.AddField(
            model_name="calendarfeed",
            name="token_hash",
            field=models.CharField(default="", editable=False, max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="calendarfeed",
            name="prefix",
            field=models.CharField(default="", editable=False, max_length=8, verbose_name="address begins with"),
            preserve_default=False,
        ),
        # Not reversible: the tokens are gone once hashed (going back needs new addresses).
        migrations.RunPython(hash_existing_tokens, migrations.RunPython.noop, elidable=False),
        migrations.RemoveField(model_name="calendarfeed", name="token"),
        migrations.AlterField(
            model_name="calendarfeed",
            name="token_hash",
            field=models.CharField(editable=False, max_length=64, unique=True),
        ),
    ]
