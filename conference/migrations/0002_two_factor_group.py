"""The group whose members must sign in to the admin with a second factor (conference/logins.py)."""

from django.db import migrations

REQUIRE_2FA_GROUP = "Bắt buộc xác thực hai lớp"  # a copy: migrations do not import the code they freeze


def create_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.get_or_create(name=REQUIRE_2FA_GROUP)


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=REQUIRE_2FA_GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("conference", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
