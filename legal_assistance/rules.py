"""Who may do what with an organization's legal side (cases are checked in access.py)."""

import rules

from csa_portal.rules import is_legal_coordinator, is_program_staff
from organizations.rules import can_view_organization, is_leader_of

rules.add_perm("legal_assistance.view_cases", can_view_organization)
rules.add_perm("legal_assistance.request_assistance", is_legal_coordinator | is_leader_of)
rules.add_perm("legal_assistance.view_compliance", can_view_organization)
rules.add_perm("legal_assistance.update_compliance", is_program_staff | is_leader_of)
