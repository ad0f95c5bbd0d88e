"""Which of the portal's two languages a text is shown in.

Models keep both languages side by side (name_es / name_en); a page shows the active one.
With no language active (a management command, a Celery task before it activates one) the
program's own language applies: Spanish.
"""

from django.conf import settings
from django.utils.translation import get_language


def in_spanish() -> bool:
    return (get_language() or settings.LANGUAGE_CODE).startswith("es")


def active_code() -> str:
    """'es' or 'en': the suffix of the field or key holding the active language's text."""
    return "es" if in_spanish() else "en"
