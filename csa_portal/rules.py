"""Permission predicates shared by all apps (domain apps add their own in their rules.py)."""

import rules


@rules.predicate
def is_program_staff(user) -> bool:
    return bool(getattr(user, "is_program_staff", False))


@rules.predicate
def is_legal_coordinator(user) -> bool:
    return bool(getattr(user, "is_legal_coordinator", False))


@rules.predicate
def is_admin(user) -> bool:
    return bool(user.is_active and user.is_superuser)


rules.add_perm("csa_portal.view_program", is_program_staff)
