"""Routes of the agencies' API, version 1."""

from django.urls import path, re_path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("directives", views.DirectiveViewSet, basename="directive")
router.register("sessions", views.SessionViewSet, basename="session")
router.register("notices", views.NoticeViewSet, basename="notice")
router.register("agencies", views.AgencyViewSet, basename="agency")

app_name = "api"
urlpatterns = [
    path("me", views.MeView.as_view(), name="me"),
    path("stats", views.StatsView.as_view(), name="stats"),
    *router.urls,
    # Last: whatever matched nothing above is a JSON 404, not Django's HTML page.
    re_path(r"^.*$", views.NoSuchEndpoint.as_view(), name="no-such-endpoint"),
]
