"""The admin app with the project's own site as ``admin.site`` (Django's "overriding the default admin site")."""

from django.contrib.admin.apps import AdminConfig


class ProjectAdminConfig(AdminConfig):
    default_site = "config.admin_site.ProjectAdminSite"
