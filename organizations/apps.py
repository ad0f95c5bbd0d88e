from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganizationsConfig(AppConfig):
    name = "organizations"
    verbose_name = _("Organizations")

    def ready(self) -> None:
        from csa_portal.demo import register_demo_step
        from csa_portal.jobs import register_job_kind

        from . import demo, demo_capacity, demo_plans, jobs, panels

        register_job_kind(
            name="organizations.import",
            label=_("Organization import"),
            handler=jobs.run_import,
            permission="organizations.manage_directory",
            result_template="organizations/jobs/import_result.html",
        )
        register_job_kind(
            name="organizations.export",
            label=_("Organization export"),
            handler=jobs.run_export,
            permission="organizations.manage_directory",
            result_template="organizations/jobs/export_result.html",
        )
        register_job_kind(
            name="organizations.recompute_scores",
            label=_("Recompute all capacity scores"),
            handler=jobs.run_recompute_scores,
            permission="organizations.manage_directory",
            result_template="organizations/jobs/recompute_result.html",
        )
        panels.register()
        self._register_menu()
        self._register_scale_steps()
        from . import privacy

        privacy.register()
        register_demo_step(order=10, name="organizations", build=demo.build)
        register_demo_step(order=20, name="capacity", build=demo_capacity.build)
        register_demo_step(order=25, name="improvement plans", build=demo_plans.build)

    @staticmethod
    def _register_scale_steps() -> None:
        from csa_portal.scale import register_scale_step

        from . import scale

        register_scale_step(order=10, name="organizations", build=scale.build_organizations)
        register_scale_step(order=20, name="capacity", build=scale.build_capacity)
        # Last: scores cover every assessment the other steps made.
        register_scale_step(order=90, name="scores", build=scale.build_scores)

    @staticmethod
    def _register_menu() -> None:
        from csa_portal.navigation import register_nav_item

        def staff(user) -> bool:
            return user.is_program_staff

        for order, (name, label, url_name) in enumerate(
            [
                ("organizations", _("Organizations"), "organizations:directory"),
                ("capacity", _("Scores"), "organizations:capacity_list"),
                ("cbld9", _("CBLD-9"), "organizations:cbld9"),
            ],
            start=10,
        ):
            register_nav_item(name=name, label=label, url_name=url_name, order=order, visible=staff)
