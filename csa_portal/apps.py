from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CsaPortalConfig(AppConfig):
    name = "csa_portal"
    verbose_name = _("Portal")

    def ready(self) -> None:
        from django.db import connections
        from django.db.backends.signals import connection_created

        from . import (
            choice_display,
            security,  # noqa: F401 - connects the security-event receivers
            table_versions,
        )
        from .demo import build_users, register_demo_step
        from .scale import build_logins, register_scale_step

        register_demo_step(order=0, name="logins", build=build_users)
        register_scale_step(order=0, name="logins", build=build_logins)
        self._register_privacy()
        choice_display.install()
        # Every statement renews the versions of the tables it writes (page cache); a
        # connection opened before ready() (none, normally) gets the hook too.
        connection_created.connect(table_versions.install)
        for connection in connections.all(initialized_only=True):
            table_versions.install(sender=None, connection=connection)

    @staticmethod
    def _register_privacy() -> None:
        from . import privacy, privacy_services

        privacy.register()
        privacy.register_personal_data(
            name="portal", collect=privacy_services.collect_portal_data, order=0
        )
        privacy.register_anonymizer(
            name="audit", anonymize=privacy_services.anonymize_audit_trail, order=900
        )
        # Last: the account itself is anonymized after every app has used its identity.
        privacy.register_anonymizer(
            name="portal", anonymize=privacy_services.anonymize_portal_user, order=1000
        )
