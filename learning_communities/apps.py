from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in
from django.utils.translation import gettext_lazy as _

MENU_SESSION_KEY = "lc_menu"


def _belongs_to_an_organization(user) -> bool:
    from organizations.models import Membership

    return Membership.objects.active().filter(user=user).exists()


def remember_menu(sender, request, user, **kwargs) -> None:
    """At login, keep in the session whether the user belongs to an organization, so no page
    pays a query to decide the menu (a login-time cache for display, not domain flow)."""
    if not user.is_program_staff and hasattr(request, "session"):
        request.session[MENU_SESSION_KEY] = _belongs_to_an_organization(user)


def menu_visible(user, request) -> bool:
    """Staff: yes, no query. Others: the answer kept in the session at login (a session from
    before this check pays one query on its first page). Someone who joins an organization
    while logged in sees the item after their next login; someone who leaves keeps an item
    that leads to an empty list until then."""
    if user.is_program_staff:
        return True
    session = getattr(request, "session", None)
    if session is not None and MENU_SESSION_KEY in session:
        return bool(session[MENU_SESSION_KEY])
    belongs = _belongs_to_an_organization(user)
    if session is not None:
        session[MENU_SESSION_KEY] = belongs
    return belongs


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
        register_nav_item(
            name="learning_communities",
            label=_("Communities"),
            url_name="learning_communities:list",
            order=30,
            visible=menu_visible,
            with_request=True,
        )
        user_logged_in.connect(remember_menu, dispatch_uid="learning_communities.remember_menu")
        register_demo_step(order=50, name="learning communities", build=demo.build)
        register_scale_step(order=50, name="learning communities", build=scale.build)
