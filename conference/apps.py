from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def refresh_clerk_group(sender, using="default", **kwargs):
    """After every migration, the clerks' group holds the permissions of the models added since.

    Django creates a new model's permissions as its app is migrated; without this, a deployment's
    existing clerks would get a 403 on every page added after their group was made.
    """
    from django.contrib.auth.models import Group

    from .roles import CLERK_GROUP, OFFICE_ADMIN_GROUP, ensure_clerk_group, ensure_office_admin_group

    if Group.objects.using(using).filter(name=CLERK_GROUP).exists():
        ensure_clerk_group()
    if Group.objects.using(using).filter(name=OFFICE_ADMIN_GROUP).exists():
        ensure_office_admin_group()


class ConferenceConfig(AppConfig):
    name = "conference"
    verbose_name = _("Sessions and agencies")

    def ready(self):
        # Each app's permissions are created on its own post_migrate, so refresh after every app's.
        post_migrate.connect(refresh_clerk_group, dispatch_uid="conference.refresh_clerk_group")
