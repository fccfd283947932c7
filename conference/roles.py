"""The clerks' group: what a clerk may do in the admin."""

from django.contrib.auth.models import Group, Permission

CLERK_GROUP = "Clerks"

# Clerks keep the record; they may not delete directives or history (cancelling keeps the trail).
_CLERK_PERMISSIONS = {
    "conference": ["view", "add", "change", "delete"],
    "directives": ["view", "add", "change"],
}


def ensure_clerk_group() -> Group:
    """Create or refresh the clerks' group with its permissions; safe to call repeatedly."""
    group, _ = Group.objects.get_or_create(name=CLERK_GROUP)
    wanted = Permission.objects.none()
    for app_label, actions in _CLERK_PERMISSIONS.items():
        codenames = [a + "_" for a in actions]
        perms = Permission.objects.filter(content_type__app_label=app_label)
        wanted |= perms.filter(codename__regex=r"^(" + "|".join(codenames) + ")")
    group.permissions.set(wanted)
    return group
