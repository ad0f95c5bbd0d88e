"""Who may do what with grants: CSO leaders apply and report, members read, staff decide."""

import rules

from csa_portal.rules import is_program_staff
from organizations.rules import is_leader_of, is_member_of

rules.add_perm("grants.view_grants", is_program_staff | is_member_of)
# Applications and reports are written by the CSO's leaders, in the CSO's own words.
rules.add_perm("grants.apply", is_leader_of)
rules.add_perm("grants.report", is_leader_of)
# Reviews are private to staff; decisions, tranches and the report schedule are the program's.
rules.add_perm("grants.review", is_program_staff)
rules.add_perm("grants.manage", is_program_staff)
# A grant's History: staff and the organization's leaders (members see the grant itself).
rules.add_perm("grants.view_history", is_program_staff | is_leader_of)
