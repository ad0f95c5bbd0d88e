"""Messages Django itself shows whose Spanish translation Django 6.1's catalog still lacks.

Listing them here keeps them in our catalog (makemessages only collects our source), and our
LOCALE_PATHS catalog is consulted before Django's.
"""

from django.utils.translation import gettext_noop

DJANGO_MESSAGES = [
    gettext_noop("- Select an option -"),  # django.db.models.fields.BLANK_CHOICE_LABEL
]
