from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CsaPortalConfig(AppConfig):
    name = "csa_portal"
    verbose_name = _("Portal")

    def ready(self) -> None:
        from . import security  # noqa: F401 - connects the security-event receivers
        from .demo import build_users, register_demo_step

        register_demo_step(order=0, name="logins", build=build_users)
