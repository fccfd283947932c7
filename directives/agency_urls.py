"""The agencies' pages behind the personal links of the emails (directives/agency_pages.py)."""

from django.urls import path

from . import agency_pages

urlpatterns = [
    path("<str:token>/", agency_pages.agency_home, name="agency-home"),
    path("<str:token>/directives/<int:directive_id>/", agency_pages.directive_page, name="agency-directive"),
    path("<str:token>/new-link/", agency_pages.ask_for_a_new_link, name="agency-new-link"),
]
