from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GrantsConfig(AppConfig):
    name = "grants"
    verbose_name = _("Grants")

    def ready(self) -> None:
        from csa_portal.demo import register_demo_step
        from csa_portal.navigation import register_nav_item
        from csa_portal.scale import register_scale_step
        from organizations.action_support import register_action_support

        from . import action_support, demo, panels, scale

        panels.register()
        from . import privacy

        privacy.register()
        register_action_support("grants", action_support.applications_serving)
        register_nav_item(
            name="grants",
            label=_("Grants"),
            url_name="grants:portfolio",
            order=40,
            visible=lambda user: user.is_program_staff,
        )
        register_demo_step(order=30, name="grants", build=demo.build)
        register_scale_step(order=30, name="grants", build=scale.build)
