"""Production settings for the web process of the database-outage test.

Only one change: plain static storage, because the test does not run collectstatic (the
manifest storage would fail on every {% static %} without it, the error page included).
"""

from csa_portal.settings import *  # noqa: F403
from csa_portal.settings import STORAGES

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
