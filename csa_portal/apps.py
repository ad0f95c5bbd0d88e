from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CsaPortalConfig(AppConfig):
    name = "csa_portal"
    verbose_name = _("Portal")

    def ready(self) -> None:
        from .demo import build_users, register_demo_step
        from .scale import build_logins, register_scale_step

        register_demo_step(order=0, name="logins", build=build_users)
        register_scale_step(order=0, name="logins", build=build_logins)
