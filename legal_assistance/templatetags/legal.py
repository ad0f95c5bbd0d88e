"""Badge colours for case and compliance statuses (a filter, not a per-row include)."""

from django import template

register = template.Library()

STATUS_CLASSES = {
    "requested": "text-bg-warning",
    "more_info": "text-bg-info",
    "declined": "text-bg-secondary",
    "accepted": "text-bg-primary",
    "matched": "text-bg-primary",
    "in_progress": "text-bg-success",
    "resolved": "text-bg-dark",
    "closed": "text-bg-light border",
}
COMPLIANCE_CLASSES = {
    "compliant": "text-bg-success",
    "in_progress": "text-bg-warning",
    "not_compliant": "text-bg-danger",
    "not_applicable": "text-bg-light border",
}


@register.filter
def status_class(status: str) -> str:
    return STATUS_CLASSES.get(status, "text-bg-light border")


@register.filter
def compliance_class(status: str) -> str:
    return COMPLIANCE_CLASSES.get(status, "text-bg-light border")


@register.filter
def urgency_class(urgency: str) -> str:
    return {"urgent": "text-bg-danger", "high": "text-bg-warning"}.get(urgency, "")
