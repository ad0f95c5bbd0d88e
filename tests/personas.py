"""People of the test program, built through the real services."""

from dataclasses import dataclass

from csa_portal.models import PrivacyNotice, ProgramRole, User
from csa_portal.privacy_services import accept_notice
from organizations.models import Invitation, Membership, Organization, Person, Sector
from organizations.services import add_membership, create_organization, invite_member, save_person

PASSWORD = "a-Strong-test-passw0rd"


def make_user(email: str, **fields) -> User:
    user = User.objects.create_user(email, PASSWORD, display_name=email.split("@")[0], **fields)
    accept_current_notice(user)
    return user


def accept_current_notice(user: User) -> None:
    """Personas have accepted the current privacy notice, as anyone past their first login has:
    otherwise every page would redirect them to the acceptance page."""
    notice = PrivacyNotice.objects.current()
    if notice is not None:
        accept_notice(user=user, notice=notice, ip_address=None)


def make_organization(name: str = "Colectivo de Prueba", **fields) -> Organization:
    defaults = {"name": name, "sector": Sector.CSO, "state": "SON", "municipality": "Hermosillo"}
    return create_organization(created_by=None, fields={**defaults, **fields})


def make_person(organization: Organization, name: str = "Persona de Prueba", **fields) -> Person:
    return save_person(organization=organization, person=None, fields={"name": name, **fields})


def make_invitation(
    organization: Organization,
    email: str = "invitee@test.mx",
    role: str = Membership.Role.MEMBER,
    invited_by: User | None = None,
) -> tuple[Invitation, str]:
    """An invitation and its raw token (only its hash is stored; the token is in the link)."""
    invitation = invite_member(
        organization=organization,
        email=email,
        role=role,
        invited_by=invited_by,
        base_url="http://testserver/",
    )
    token = invitation.link.rstrip("/").rsplit("/", 1)[-1]
    return invitation, token


def make_admin(email: str) -> User:
    admin = User.objects.create_superuser(email, PASSWORD)
    accept_current_notice(admin)
    return admin


def speak_english(*users: User) -> None:
    """Text assertions need a known language: the portal defaults to Spanish."""
    User.objects.filter(pk__in=[u.pk for u in users]).update(preferred_language="en")
    for user in users:
        user.preferred_language = "en"


@dataclass
class Cast:
    org: Organization
    other_org: Organization
    staff: User
    legal_coordinator: User
    admin: User
    leader: User
    member: User
    other_leader: User
    lawyer: User
    other_lawyer: User  # a lawyer of another firm (the legal tests make the firms)
    deactivated: User


def build_cast() -> Cast:
    org = make_organization("Red de Prueba por la Paz", rfc="RPP100101AB1")
    other_org = make_organization("Otra Organización", state="COAH", municipality="Saltillo")
    leader = make_user("leader@test.mx")
    member = make_user("member@test.mx")
    other_leader = make_user("other-leader@test.mx")
    deactivated = make_user("gone@test.mx", is_active=False)
    add_membership(user=leader, organization=org, role=Membership.Role.LEADER)
    add_membership(user=member, organization=org, role=Membership.Role.MEMBER)
    add_membership(user=other_leader, organization=other_org, role=Membership.Role.LEADER)
    add_membership(user=deactivated, organization=org, role=Membership.Role.LEADER)
    return Cast(
        org=org,
        other_org=other_org,
        staff=make_user("staff@test.mx", program_role=ProgramRole.STAFF),
        legal_coordinator=make_user("legal@test.mx", program_role=ProgramRole.LEGAL_COORDINATOR),
        admin=make_admin("admin@test.mx"),
        leader=leader,
        member=member,
        other_leader=other_leader,
        lawyer=make_user("lawyer@test.mx"),
        other_lawyer=make_user("other-lawyer@test.mx"),
        deactivated=deactivated,
    )
