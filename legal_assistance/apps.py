from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LegalAssistanceConfig(AppConfig):
    name = "legal_assistance"
    verbose_name = _("Legal assistance")

    def ready(self) -> None:
        from csa_portal.demo import register_demo_step
        from csa_portal.navigation import register_nav_item, register_nav_item_answered_at_login
        from csa_portal.scale import register_scale_step
        from csa_portal.security import register_two_factor_role
        from organizations.action_support import register_action_support

        from . import action_support, demo, panels, rules, scale  # noqa: F401 - rules registers perms

        panels.register()
        from . import privacy

        privacy.register()
        # Lawyers read confidential case details: they need a second factor when it is required.
        register_two_factor_role(is_lawyer)
        register_action_support("legal_assistance", action_support.cases_serving)
        register_demo_step(order=40, name="legal assistance", build=demo.build)
        # Lawyers reach their cases from their home page: a menu item for them would cost a
        # query on every page of every user (the role is a row of this app).
        register_nav_item(
            name="legal_desk",
            label=_("Legal desk"),
            url_name="legal_assistance:desk",
            order=40,
            visible=lambda user: user.is_legal_coordinator,
        )
        register_nav_item(
            name="legal_cases",
            label=_("Legal cases"),
            url_name="legal_assistance:case_list",
            order=40,
            visible=lambda user: user.is_program_staff and not user.is_legal_coordinator,
        )
        # A pro bono lawyer's own list (before, reachable only from their home page).
        register_nav_item_answered_at_login(
            name="my_cases",
            label=_("My firm's cases"),
            url_name="legal_assistance:my_cases",
            order=40,
            session_key=LAWYER_MENU_SESSION_KEY,
            question=_is_active_lawyer,
            staff=False,
        )
        register_scale_step(order=40, name="legal assistance", build=scale.build)
        register_scale_step(order=45, name="legal compliance", build=scale.build_compliance)


LAWYER_MENU_SESSION_KEY = "legal_lawyer_menu"


def _is_active_lawyer(user) -> bool:
    """An active lawyer of an active firm, whose list of cases has something (is_lawyer, for
    the second factor, counts inactive lawyers too)."""
    from .access import lawyer_for

    return lawyer_for(user) is not None


def is_lawyer(user) -> bool:
    from .models import Lawyer

    return Lawyer.objects.filter(user=user).exists()
