"""Select boxes of organizations that stay small however many organizations there are.

A form that lets staff pick any organization (a collaboration's two sides, an alliance's or an
outcome's organizations) listed every one of them: at 10,000 organizations that was 10,000
<option>s a field, 1.1 MB for the collaboration form. These widgets list the chosen
organizations and the first SEARCH_LIMIT others by name; a search box above the list fetches
the first matches of what is typed (organizations:options, through htmx) and
static/js/organization-search.js keeps what was chosen across searches. The form field keeps
its queryset of every organization, so any organization is accepted.

The widget's templates are in this app's templates/ folder, not the project's: the form
renderer (Django's DjangoTemplates) looks in the apps' folders only.
"""

from __future__ import annotations

from collections.abc import Iterable

from django import forms
from django.urls import reverse

from .models import Organization

SEARCH_LIMIT = 50


def first_matches(text: str, *, exclude: Iterable[int] = ()) -> list[tuple[int, str]]:
    """(id, name) of the first SEARCH_LIMIT organizations by name that match a search."""
    return list(
        Organization.objects.matching(text)
        .exclude(pk__in=list(exclude))
        .order_by("name", "pk")
        .values_list("pk", "name")[:SEARCH_LIMIT]
    )


def _chosen_ids(value) -> list[int]:
    """The ids among a bound form's values; anything else (the field reports it) is left out."""
    ids = []
    for v in value:
        try:
            ids.append(int(str(v), 10))
        except ValueError:
            continue
    return ids


class _OrganizationSearch:
    template_name = "organizations/widgets/organization_search.html"
    # csa_portal.rendering asks for read_options() before the template runs (so that no query
    # runs while rendering) instead of reading the field's choices: every organization.
    reads_own_options = True
    _options: tuple[list, list] | None = None

    def read_options(self, value) -> None:
        """The chosen organizations (from the field's value) and the first ones by name."""
        chosen_ids = _chosen_ids(self.format_value(value))
        chosen = list(
            Organization.objects.filter(pk__in=chosen_ids)
            .order_by("name", "pk")
            .values_list("pk", "name")
        )
        self._options = (chosen, first_matches("", exclude=chosen_ids))

    def optgroups(self, name, value, attrs=None):
        # Django's select builds an option per choice of the field, that is per organization
        # (the field's queryset is every organization, for validation): the template shows
        # `chosen` and `found` instead.
        return []

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        if self._options is None:
            self.read_options(value)
        chosen, found = self._options
        context["widget"].update(
            chosen=chosen, found=found, search_url=reverse("organizations:options")
        )
        return context


class OrganizationSearchSelect(_OrganizationSearch, forms.Select):
    """One organization, found by searching."""


class OrganizationSearchSelectMultiple(_OrganizationSearch, forms.SelectMultiple):
    """Several organizations, found by searching and chosen one after another."""
