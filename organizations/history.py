"""Turn stored profile changes into readable lines, with a fixed number of queries."""

from datetime import date

from django.utils import formats
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from .models import Organization, OrganizationChange, Population, ThematicArea, Tier


def describe_changes(changes: list[OrganizationChange]) -> list[dict]:
    tiers = {t.pk: str(t) for t in Tier.objects.all()}
    themes = {t.pk: str(t) for t in ThematicArea.objects.all()}
    populations = {p.pk: str(p) for p in Population.objects.all()}
    lookups = {"tier": tiers, "thematic_areas": themes, "populations": populations}
    entries = []
    for change in changes:
        lines = [
            {
                "field": _field_label(name),
                "old": _display(name, old, lookups),
                "new": _display(name, new, lookups),
            }
            for name, (old, new) in change.changes.items()
        ]
        entries.append({"change": change, "lines": lines})
    return entries


def _field_label(name: str) -> str:
    try:
        return capfirst(str(Organization._meta.get_field(name).verbose_name))
    except Exception:
        return name


def _display(name: str, value, lookups: dict) -> str:
    if value in (None, "", []):
        return "—"
    if name in lookups:
        table = lookups[name]
        if isinstance(value, list):
            return ", ".join(table.get(v, "?") for v in value)
        return table.get(value, "?")
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    try:
        field = Organization._meta.get_field(name)
    except Exception:
        return str(value)
    choices = dict(field.flatchoices) if field.choices else None
    if choices:
        return str(choices.get(value, value))
    if field.get_internal_type() == "DateField" and isinstance(value, str):
        # Stored as ISO text in the change's JSON; shown the way the reader writes dates.
        return formats.date_format(date.fromisoformat(value), "SHORT_DATE_FORMAT")
    return str(value)
