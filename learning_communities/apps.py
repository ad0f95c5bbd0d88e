from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

MENU_SESSION_KEY = "lc_menu"


def _belongs_to_an_organization(user) -> bool:
    from organizations.models import Membership

    return Membership.objects.active().filter(user=user).exists()


class LearningCommunitiesConfig(AppConfig):
    name = "learning_communities"
    verbose_name = _("Learning Communities")

    def ready(self) -> None:
        from csa_portal.demo import register_demo_step
        from csa_portal.jobs import register_job_kind
        from csa_portal.navigation import register_nav_item_answered_at_login
        from csa_portal.scale import register_scale_step

        from . import demo, jobs, panels, rules, scale  # noqa: F401 - rules registers permissions
        from .services.reports import COMMUNITY_REPORT_JOB, NETWORK_JOB, PROGRAM_REPORT_JOB

        register_job_kind(
            name=NETWORK_JOB,
            label=_("Local-system network"),
            handler=jobs.run_network,
            # Started by managers of a community or of the program: both are program staff.
            permission="learning_communities.manage_community",
            result_template="learning_communities/jobs/network_result.html",
        )
        register_job_kind(
            name=COMMUNITY_REPORT_JOB,
            label=_("Community report"),
            handler=jobs.run_community_report,
            permission="learning_communities.view_reports",
            result_template="learning_communities/jobs/report_result.html",
        )
        register_job_kind(
            name=PROGRAM_REPORT_JOB,
            label=_("Program results report"),
            handler=jobs.run_program_report,
            permission="learning_communities.view_reports",
            result_template="learning_communities/jobs/report_result.html",
        )
        panels.register()
        from . import privacy

        privacy.register()
        # Program staff, and people who belong to an organization (they may take part in
        # communities); not lawyers or other logins, who would only find an empty list.
        register_nav_item_answered_at_login(
            name="learning_communities",
            label=_("Communities"),
            url_name="learning_communities:list",
            order=30,
            session_key=MENU_SESSION_KEY,
            question=_belongs_to_an_organization,
            staff=True,
        )
        register_demo_step(order=50, name="learning communities", build=demo.build)
        register_scale_step(order=50, name="learning communities", build=scale.build)
