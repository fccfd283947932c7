"""The clerks' group: what a clerk may do in the admin."""

from django.contrib.auth.models import Group, Permission

CLERK_GROUP = "Clerks"
OFFICE_ADMIN_GROUP = "Office administrators"

# Clerks keep the record; they may not delete directives or history (cancelling keeps the trail).
_CLERK_PERMISSIONS = {
    "conference": ["view", "add", "change", "delete"],
    "directives": ["view", "add", "change"],
}
# The offices and their clerks are not a clerk's records: a superuser sets up the offices, and an
# office administrator (``OFFICE_ADMIN_GROUP``) adds and manages the clerks of its own office.
_NOT_FOR_CLERKS = ("office", "clerk")
_OFFICE_ADMIN_PERMISSIONS = ["view_clerk", "add_clerk", "change_clerk", "view_office"]


def ensure_clerk_group() -> Group:
    """Create or refresh the clerks' group with its permissions; safe to call repeatedly."""
    group, _ = Group.objects.get_or_create(name=CLERK_GROUP)
    wanted = Permission.objects.none()
    for app_label, actions in _CLERK_PERMISSIONS.items():
        codenames = [a + "_" for a in actions]
        perms = Permission.objects.filter(content_type__app_label=app_label)
        wanted |= perms.filter(codename__regex=r"^(" + "|".join(codenames) + ")")
    group.permissions.set(wanted.exclude(content_type__app_label="conference", content_type__model__in=_NOT_FOR_CLERKS))
    return group


def ensure_office_admin_group() -> Group:
    """The office administrators' group: on top of a clerk's, the clerks of their office (the pages
    narrow them to it; their follow-up settings: ``FollowUpSettingsAdmin``)."""
    group, _ = Group.objects.get_or_create(name=OFFICE_ADMIN_GROUP)
    group.permissions.set(
        Permission.objects.filter(content_type__app_label="conference", codename__in=_OFFICE_ADMIN_PERMISSIONS)
    )
    return group
