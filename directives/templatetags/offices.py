"""What a page shows a clerk according to their office (the links of the national office's pages)."""

from django import template

from conference.selectors import office_scope

register = template.Library()


@register.simple_tag
def follows_provinces(user) -> bool:
    """A superuser, or a clerk of an office serving a central body (the Government Office): the one
    who follows the provinces' implementation ("Triển khai tại địa phương")."""
    scope = office_scope(user)
    return scope.everything or (scope.office is not None and scope.office.agency.level == "central")
