from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganizationsConfig(AppConfig):
    name = "organizations"
    verbose_name = _("Organizations")

    def ready(self) -> None:
        from csa_portal.demo import register_demo_step
        from csa_portal.jobs import register_job_kind

        from . import demo, jobs, panels

        register_job_kind(
            name="organizations.import", label=_("Organization import"), handler=jobs.run_import
        )
        register_job_kind(
            name="organizations.export", label=_("Organization export"), handler=jobs.run_export
        )
        panels.register()
        register_demo_step(order=10, name="organizations", build=demo.build)
