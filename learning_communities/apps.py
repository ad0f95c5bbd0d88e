from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LearningCommunitiesConfig(AppConfig):
    name = "learning_communities"
    verbose_name = _("Learning Communities")

    def ready(self) -> None:
        from csa_portal.demo import register_demo_step
        from csa_portal.jobs import register_job_kind
        from csa_portal.navigation import register_nav_item
        from csa_portal.scale import register_scale_step

        from . import demo, jobs, panels, rules, scale  # noqa: F401 - rules registers permissions
        from .services.reports import COMMUNITY_REPORT_JOB, NETWORK_JOB, PROGRAM_REPORT_JOB

        register_job_kind(
            name=NETWORK_JOB,
            label=_("Local-system network"),
            handler=jobs.run_network,
            result_template="learning_communities/jobs/network_result.html",
        )
        register_job_kind(
            name=COMMUNITY_REPORT_JOB,
            label=_("Community report"),
            handler=jobs.run_community_report,
            result_template="learning_communities/jobs/report_result.html",
        )
        register_job_kind(
            name=PROGRAM_REPORT_JOB,
            label=_("Program results report"),
            handler=jobs.run_program_report,
            result_template="learning_communities/jobs/report_result.html",
        )
        panels.register()
        # Everyone logged in: CSO people reach their communities, others see an empty list.
        # (A membership lookup here would add a query to every page of the portal.)
        register_nav_item(
            name="learning_communities",
            label=_("Communities"),
            url_name="learning_communities:list",
            order=30,
            visible=lambda user: user.is_authenticated,
        )
        register_demo_step(order=50, name="learning communities", build=demo.build)
        register_scale_step(order=50, name="learning communities", build=scale.build)
