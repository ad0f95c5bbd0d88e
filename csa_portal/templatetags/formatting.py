"""Numbers as every app shows them: money with its currency, in the reader's number format."""

from django import template
from django.template.defaultfilters import floatformat

register = template.Library()


@register.filter
def money(value, currency: str = "") -> str:
    if value is None or value == "":
        return "—"
    amount = floatformat(value, "2g")
    return f"{amount} {currency}".strip()
