"""Every state change of the organizations app, one module per concern.

Profile services are re-exported here because they are the ones most callers need.
"""

from .profiles import (
    accept_invitation,
    add_membership,
    create_organization,
    find_usable_invitation,
    import_organizations,
    invite_member,
    remove_person,
    save_person,
    update_organization,
)

__all__ = [
    "accept_invitation",
    "add_membership",
    "create_organization",
    "find_usable_invitation",
    "import_organizations",
    "invite_member",
    "remove_person",
    "save_person",
    "update_organization",
]
