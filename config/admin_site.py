"""The clerks' admin site: its titles, and the second factor of the login (conference/logins.py)."""

from functools import update_wrapper
from urllib.parse import urlencode

from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME, get_user_model
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect

from conference.logins import two_factor_step
from conference.text import sort_key


class ProjectAdminSite(admin.AdminSite):
    site_header = site_title = _("Directive follow-up")
    index_title = _("Sessions and directives")
    # There is no public site behind the admin: no "view site" link leading to a 404 ("/" comes here).
    site_url = None
    index_template = "admin/project_index.html"  # config/templates: the dashboard and the outbox on the home page
    # No navigation sidebar: at 1366 pixels it took 300 of them from every list, for links the
    # home page and the breadcrumbs already give. Collapsed by default would not do: Django keeps
    # its open/closed state per browser, so one click would bring it back on every page.
    enable_nav_sidebar = False

    # Inlines one app adds to another app's page, named here where both apps are known: an agency's
    # page (the registry's) lists its API keys and calendar addresses (the API's and the calendar's).
    contributed_inlines = {
        "conference.agency": ["directives.admin_keys.ApiKeyInline", "directives.admin_keys.CalendarFeedInline"],
    }

    def inlines_for(self, model):
        return [import_string(path) for path in self.contributed_inlines.get(model._meta.label_lower, [])]

    def register(self, model_or_iterable, admin_class=None, **options):
        # django.contrib.auth registers its user list on this site; it takes the two-factor actions
        # as it is registered, so nothing has to be replaced afterwards.
        models = model_or_iterable if isinstance(model_or_iterable, (list, tuple)) else [model_or_iterable]
        if get_user_model() in models and admin_class is not None:
            from conference.admin_logins import require_two_factor, reset_two_factor

            actions = [*(admin_class.actions or []), require_two_factor, reset_two_factor]
            admin_class = type(admin_class.__name__, (admin_class,), {"actions": actions, "__module__": __name__})
        return super().register(model_or_iterable, admin_class, **options)

    def get_app_list(self, request, app_label=None):
        # In Vietnamese alphabetical order: Django sorts by code point, which put "Điểm cầu", "Đầu mối
        # liên hệ", "Đề nghị gia hạn" and "Đường dẫn riêng" after every other list.
        app_list = super().get_app_list(request, app_label)
        app_list.sort(key=lambda app: sort_key(str(app["name"])))
        for app in app_list:
            app["models"].sort(key=lambda model: sort_key(str(model["name"])))
        return app_list

    def has_permission(self, request):
        # A password alone is not enough for whoever enrolled a device or must enrol one.
        return super().has_permission(request) and two_factor_step(request.user) is None

    def get_urls(self):
        from conference import admin_logins
        from directives.admin_reporting import reporting_urls

        return [
            *reporting_urls(self),
            path("two-factor/", self.signed_in_view(admin_logins.two_factor_setup), name="two_factor_setup"),
            path("two-factor/verify/", self.signed_in_view(admin_logins.two_factor_verify), name="two_factor_verify"),
            path("two-factor/logout/", self.signed_in_view(admin_logins.two_factor_logout), name="two_factor_logout"),
            *super().get_urls(),
        ]

    def signed_in_view(self, view):
        """Like ``admin_view`` for a staff user who may still owe the second factor (``has_permission`` is false)."""

        def inner(request, *args, **kwargs):
            if not (request.user.is_active and request.user.is_staff):
                return redirect_to_login(request.get_full_path(), reverse("admin:login", current_app=self.name))
            return view(request, self, *args, **kwargs)

        return update_wrapper(never_cache(csrf_protect(inner)), view)

    def login(self, request, extra_context=None):
        if request.method == "GET" and (step := self.second_step(request, request.GET.get(REDIRECT_FIELD_NAME))):
            return step
        response = super().login(request, extra_context)
        if request.method == "POST" and response.status_code == 302:
            # The password was right: on to the code (or enrolment), then where the clerk was going.
            return self.second_step(request, response["Location"]) or response
        return response

    def second_step(self, request, next_url=None):
        """A redirect to the code prompt or to enrolment when a signed-in staff user owes one, else None."""
        user = request.user
        step = user.is_active and user.is_staff and two_factor_step(user)
        if not step:
            return None
        url = reverse(f"admin:two_factor_{step}", current_app=self.name)
        return redirect(f"{url}?{urlencode({REDIRECT_FIELD_NAME: next_url})}" if next_url else url)
