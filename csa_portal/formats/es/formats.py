"""Spanish as written in Mexico: 61.08, not Spain's 61,08 (NOM-008-SCFI-2002 uses the point)."""

from django.conf.locale.es_MX.formats import *  # noqa: F403
