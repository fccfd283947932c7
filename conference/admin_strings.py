"""Django's own admin strings that its Vietnamese catalogue lacks, translated in ours.

Django 5.2's ``vi`` catalogue has no entry for these msgids, so a clerk saw them in English on every
list ("Show counts", "Hide counts") and in every page's tooltips and screen-reader labels. A
catalogue keeps only the msgids some project code references (``makemessages`` drops the others
as obsolete), so they are named here, marked and never called; their Vietnamese is in
conference/locale/vi. This app is listed before django.contrib.admin, so its catalogue also wins
where we word a message better than Django's ("Click vào đây").
"""

from django.utils.translation import gettext_noop

DJANGO_ADMIN_STRINGS = [
    # the lists (admin/change_list.html, admin_list.py, options.py)
    gettext_noop("Show counts"),
    gettext_noop("Hide counts"),
    gettext_noop("Select this object for an action - {}"),
    gettext_noop("Select all objects on this page for an action"),
    gettext_noop("Click here to select the objects across all pages"),
    gettext_noop("Error:"),
    # the refusal to delete (delete_selected_confirmation.html, delete_confirmation.html): Django's
    # Vietnamese said deleting "would force deleting" the records, which reads as a threat.
    gettext_noop(
        "Deleting the selected %(objects_name)s would require deleting the following protected related objects:"
    ),
    gettext_noop(
        "Deleting the %(object_name)s '%(escaped_object)s' would require deleting the following protected "
        "related objects:"
    ),
    # Django's Vietnamese says something else: "Hoạt động" (activity) for the actions' label, "Đi đến"
    # (go to) for running one, "Bản ghi nhớ" (memorandum) for a record's history, "Thêm vào nhiệm vụ"
    # (add into the directive) for adding one (change_list.html, change_form_object_tools.html, index.html).
    gettext_noop("Action:"),
    gettext_noop("Go"),
    gettext_noop("History"),
    gettext_noop("Add"),
    gettext_noop("Add %(name)s"),
    gettext_noop("Delete?"),
    gettext_noop("None available"),
    # "0 của 50 được chọn" (0 of 50 chosen) for the actions' counter; its JavaScript twin, which counts
    # the ticks, is in config/vendor_locale/vi/LC_MESSAGES/djangojs.po (the admin's JS catalogue reads
    # django.contrib.admin's and LOCALE_PATHS' only).
    gettext_noop("0 of %(cnt)s selected"),
    # every page (admin/base.html, admin/color_theme_toggle.html)
    gettext_noop("Skip to main content"),
    gettext_noop("Breadcrumbs"),
    gettext_noop("Toggle theme (current theme: auto)"),
    gettext_noop("Toggle theme (current theme: light)"),
    gettext_noop("Toggle theme (current theme: dark)"),
]
