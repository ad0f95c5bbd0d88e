"""Numbers as every app shows them: money with its currency, in the reader's number format."""

from datetime import date

from django import template
from django.template.defaultfilters import floatformat
from django.utils import formats

register = template.Library()


@register.filter
def money(value, currency: str = "") -> str:
    if value is None or value == "":
        return "—"
    amount = floatformat(value, "2g")
    return f"{amount} {currency}".strip()


@register.filter
def isodate(value) -> str:
    """A date kept as ISO text (a built report's data) in the reader's short date format; text
    that is not a date is shown as it is."""
    try:
        return formats.date_format(date.fromisoformat(str(value)), "SHORT_DATE_FORMAT")
    except ValueError:
        return value
