"""URL routes: the admin for clerks, the agencies' API and its schema, a health check."""

from django.contrib import admin
from django.http import JsonResponse
from django.urls import include, path
from django.views.decorators.http import require_GET
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from directives.calendar import calendar_feed


@require_GET
def health(request):
    """Answer 200 when the app can reach its database."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


urlpatterns = [
    # Nothing public lives at the root: whoever types the server's address reaches the clerks' admin.
    path("", RedirectView.as_view(pattern_name="admin:index"), name="home"),
    path("healthz", health, name="health"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("directives.api.urls")),
    # The pages an agency opens from the personal link in its emails (no account): directives/agency_pages.py.
    path("a/", include("directives.agency_urls")),
    path("calendar/<str:token>.ics", calendar_feed, name="calendar-feed"),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]
