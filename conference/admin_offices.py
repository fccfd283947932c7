"""The offices and their clerks in the admin: a superuser sets up the offices; an office
administrator adds and manages the clerks of its own office (a first password shown once)."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from .admin_lists import two_line_column
from .models import Clerk, Office
from .selectors import office_scope
from .services import clerk_create, clerk_set_office_admin


@admin.register(Office)
class OfficeAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", two_line_column(Office, "agency"), "clerk_count"]
    search_fields = ["name", "short_name", "code"]
    autocomplete_fields = ["agency", "issuers"]
    fields = ["name", "short_name", "code", "agency", "issuers"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request).select_related("agency")
        scope = office_scope(request.user)
        return queryset if scope.everything else queryset.filter(pk__in=sorted(scope.office_ids))

    @admin.display(description=_("clerks"))
    def clerk_count(self, obj):
        return obj.clerks.count()

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return False  # an office keeps records: it is never deleted from here


class ClerkAddForm(forms.ModelForm):
    """A new clerk: the account is made with the membership (``clerk_create``)."""

    username = forms.CharField(label=capfirst(_("user name")), max_length=150)
    email = forms.EmailField(label=capfirst(_("email")), required=False)
    first_name = forms.CharField(label=capfirst(_("first name")), max_length=150, required=False)
    last_name = forms.CharField(label=capfirst(_("last name")), max_length=150, required=False)

    class Meta:
        model = Clerk
        fields = ["office", "is_office_admin"]

    def clean_username(self):
        from django.contrib.auth import get_user_model

        username = self.cleaned_data["username"].strip()
        if get_user_model().objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("A user with this name already exists."))
        return username


class ClerkChangeForm(forms.ModelForm):
    is_active = forms.BooleanField(
        label=capfirst(_("active")),
        required=False,
        help_text=_("Untick to close the account without deleting its history."),
    )

    class Meta:
        model = Clerk
        fields = ["is_office_admin"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["is_active"].initial = self.instance.user.is_active


@admin.register(Clerk)
class ClerkAdmin(admin.ModelAdmin):
    list_display = ["username", "full_name", "email", two_line_column(Clerk, "office"), "is_office_admin", "active"]
    list_filter = ["is_office_admin"]
    list_select_related = ["user", "office"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "user__email"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        scope = office_scope(request.user)
        if scope.everything:
            return queryset
        if not self._is_office_admin(request):
            return queryset.none()
        return queryset.filter(office_id=scope.office.pk)

    def _is_office_admin(self, request):
        scope = office_scope(request.user)
        return scope.office is not None and Clerk.objects.filter(user=request.user, is_office_admin=True).exists()

    def has_module_permission(self, request):
        return request.user.is_superuser or (super().has_module_permission(request) and self._is_office_admin(request))

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser or (
            super().has_view_permission(request, obj) and self._is_office_admin(request)
        )

    def has_add_permission(self, request):
        return request.user.is_superuser or (super().has_add_permission(request) and self._is_office_admin(request))

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser or (
            super().has_change_permission(request, obj) and self._is_office_admin(request)
        )

    def has_delete_permission(self, request, obj=None):
        return False  # closed (not active), never deleted: the history names them

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = ClerkChangeForm if obj is not None else ClerkAddForm
        form = super().get_form(request, obj, change=change, **kwargs)
        return form

    def get_fields(self, request, obj=None):
        if obj is not None:
            return ["is_office_admin", "is_active"]
        fields = ["username", "first_name", "last_name", "email", "is_office_admin"]
        return ["office", *fields] if request.user.is_superuser else fields

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            clerk_set_office_admin(obj, data["is_office_admin"])
            if obj.user.is_active != data["is_active"] and obj.user != request.user:
                obj.user.is_active = data["is_active"]
                obj.user.save(update_fields=["is_active"])
            return
        office = data.get("office") if request.user.is_superuser else office_scope(request.user).office
        try:
            user, password = clerk_create(
                username=data["username"],
                office=office,
                email=data["email"],
                is_office_admin=data["is_office_admin"],
                first_name=data["first_name"],
                last_name=data["last_name"],
            )
        except ValidationError as exc:
            # Checked again in the form's clean below; this is the race of two admins at once.
            raise forms.ValidationError(exc.messages) from exc
        obj.pk = user.clerk.pk
        obj.user = user
        obj.office = office
        messages.warning(
            request,
            _("First password of %(user)s, shown only this once: %(password)s")
            % {"user": user.get_username(), "password": password},
        )

    @admin.display(description=_("user name"), ordering="user__username")
    def username(self, obj):
        return obj.user.get_username()

    @admin.display(description=_("name"))
    def full_name(self, obj):
        return obj.user.get_full_name() or "—"

    @admin.display(description=_("email"))
    def email(self, obj):
        return obj.user.email or "—"

    @admin.display(description=_("active"), boolean=True)
    def active(self, obj):
        return obj.user.is_active
