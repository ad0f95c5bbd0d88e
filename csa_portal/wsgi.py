import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "csa_portal.settings")
application = get_wsgi_application()

# What importing Django and the portal made (~130,000 objects) lives as long as the process:
# kept out of the collector's reach, a full collection scans only what requests made since, and
# no longer stops a worker for ~60 ms every few thousand requests (bench/NOTES.md).
gc.freeze()
