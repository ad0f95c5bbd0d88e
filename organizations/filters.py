import django_filters
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .geo import MexicanState
from .models import Organization, ParticipationStatus, Sector, ThematicArea, Tier

SORTABLE = {
    "name": "name",
    "tier": "tier__number",
    "state": "state",
    "sector": "sector",
    "status": "status",
    "updated": "updated_at",
}


# What a filter left empty means, instead of "---------".
ANY = pgettext_lazy("a filter left empty", "All")


class OrganizationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    tier = django_filters.ModelChoiceFilter(
        label=_("Tier"), queryset=Tier.objects.all(), empty_label=ANY
    )
    state = django_filters.ChoiceFilter(
        label=_("State"), choices=MexicanState.choices, empty_label=ANY
    )
    sector = django_filters.ChoiceFilter(label=_("Sector"), choices=Sector.choices, empty_label=ANY)
    theme = django_filters.ModelChoiceFilter(
        label=_("Theme"), queryset=ThematicArea.objects.all(), method="by_theme", empty_label=ANY
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=ParticipationStatus.choices, empty_label=ANY
    )

    class Meta:
        model = Organization
        fields = ["q", "tier", "state", "sector", "theme", "status"]

    def search(self, queryset, name, value):
        return queryset.matching(value)

    def by_theme(self, queryset, name, value):
        # A theme matches organizations tagged with it or with one of its sub-themes.
        return queryset.filter(Q(thematic_areas=value) | Q(thematic_areas__parent=value)).distinct()


def sort_queryset(queryset, sort: str):
    """Whitelisted sorting; '-name' sorts descending. Returns (queryset, active sort key)."""
    key = sort.lstrip("-")
    if key not in SORTABLE:
        return queryset.order_by("name", "pk"), "name"
    field = F(SORTABLE[key])
    # Blanks (no tier) go last either way: PostgreSQL would put them first when descending and
    # SQLite last, so the same list would read differently in production and embedded mode.
    order = field.desc(nulls_last=True) if sort.startswith("-") else field.asc(nulls_last=True)
    return queryset.order_by(order, "pk"), sort


def style_filter_form(filterset: OrganizationFilter) -> OrganizationFilter:
    """Give the filter widgets Bootstrap's classes (the form is built lazily by django-filter)."""
    form = filterset.form
    for name, field in form.fields.items():
        css = "form-select" if hasattr(field, "choices") else "form-control"
        # An invalid value is ignored by the filter: say so next to the field.
        if form.is_bound and name in form.errors:
            css += " is-invalid"
        field.widget.attrs.setdefault("class", css)
    return filterset
