from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectivesConfig(AppConfig):
    name = "directives"
    verbose_name = _("Directives")

    def ready(self):
        from .api import schema  # noqa: F401  (registers the API key scheme with drf-spectacular)
        from .followup import signals  # noqa: F401  (follow-up listens to the services' directive_changed)
