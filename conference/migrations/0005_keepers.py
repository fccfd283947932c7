"""Each agency and person is kept by one office: the field, and the keepers of the rows already
recorded, derived by the same code the registry runs (``conference.keeping``)."""

import django.db.models.deletion
from django.db import migrations, models

from conference.keeping import fill_keepers, fill_person_keepers


def derive_keepers(apps, schema_editor):
    office = apps.get_model("conference", "Office")
    fill_keepers(apps.get_model("conference", "Agency"), office)
    fill_person_keepers(apps.get_model("conference", "Person"), apps.get_model("conference", "Participation"))


class Migration(migrations.Migration):

    dependencies = [
        ('conference', '0004_search_and_newest_indexes'),
    ]

    operations = [
        migrations.AddField(
            model_name='agency',
            name='keeper',
            field=models.ForeignKey(blank=True, help_text="The office whose clerks may change this agency, its contacts and its keys; every clerk sees it. Left empty on a new agency, it follows the agency's parent or body (conference.keeping).", null=True, on_delete=django.db.models.deletion.PROTECT, related_name='kept_agencies', to='conference.office', verbose_name='kept by'),
        ),
        migrations.AddField(
            model_name='person',
            name='keeper',
            field=models.ForeignKey(blank=True, help_text='The office whose clerks may change this person; every clerk sees them.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='kept_people', to='conference.office', verbose_name='kept by'),
        ),
        migrations.RunPython(derive_keepers, migrations.RunPython.noop),
    ]
