"""Who may do what with an organization."""

import rules

from csa_portal.rules import is_program_staff

from .models import Membership


@rules.predicate
def is_leader_of(user, organization) -> bool:
    if organization is None or not user.is_authenticated:
        return False
    return (
        Membership.objects.active()
        .filter(user=user, organization=organization, role=Membership.Role.LEADER)
        .exists()
    )


@rules.predicate
def is_member_of(user, organization) -> bool:
    if organization is None or not user.is_authenticated:
        return False
    return Membership.objects.active().filter(user=user, organization=organization).exists()


can_view_organization = is_program_staff | is_member_of
can_edit_profile = is_program_staff | is_leader_of

rules.add_perm("organizations.view_organization", can_view_organization)
rules.add_perm("organizations.edit_profile", can_edit_profile)
rules.add_perm("organizations.view_history", can_edit_profile)
rules.add_perm("organizations.manage_people", can_edit_profile)
rules.add_perm("organizations.invite", is_program_staff)
rules.add_perm("organizations.edit_program_fields", is_program_staff)
rules.add_perm("organizations.manage_directory", is_program_staff)

# Capacity: CSO people fill in their own self-assessments; leaders submit; staff validate.
rules.add_perm("organizations.view_assessments", can_view_organization)
rules.add_perm("organizations.fill_assessment", is_program_staff | is_member_of)
rules.add_perm("organizations.start_assessment", is_program_staff | is_leader_of)
rules.add_perm("organizations.submit_assessment", is_program_staff | is_leader_of)
rules.add_perm("organizations.validate_assessment", is_program_staff)
rules.add_perm("organizations.view_cohorts", is_program_staff)
rules.add_perm("organizations.edit_plan", is_program_staff | is_leader_of)
rules.add_perm("organizations.report_action_progress", is_program_staff | is_member_of)
