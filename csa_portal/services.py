"""State changes of the cross-cutting records."""

from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import User


@transaction.atomic
def update_account(*, user: User, display_name: str, preferred_language: str) -> User:
    user.display_name = display_name
    user.preferred_language = preferred_language
    user.save(update_fields=["display_name", "preferred_language"])
    return user


def set_preferred_language(*, user: User, language: str) -> None:
    User.objects.filter(pk=user.pk).update(preferred_language=language)
    user.preferred_language = language


@transaction.atomic
def change_email(*, user: User, email: str) -> User:
    """The form has checked the current password and that no other account uses the email.

    The old address is told (after the commit), so that a person whose session was taken
    over learns that their login moved, and to whom."""
    old_email = user.email
    user.email = email.lower()
    user.save(update_fields=["email"])
    language = user.preferred_language

    def notify_old_address() -> None:
        context = {"user": user, "old_email": old_email, "new_email": user.email}
        with translation.override(language):
            subject = render_to_string("account/emails/email_changed_subject.txt").strip()
            body = render_to_string("account/emails/email_changed.txt", context)
        send_mail(subject, body, None, [old_email])

    transaction.on_commit(notify_old_address)
    return user


@transaction.atomic
def enroll_two_factor(*, user: User, key: str) -> TOTPDevice:
    """A confirmed authenticator replaces any earlier one: one phone per person."""
    TOTPDevice.objects.filter(user=user).delete()
    return TOTPDevice.objects.create(user=user, name="Authenticator app", key=key, confirmed=True)


@transaction.atomic
def reset_two_factor(*, user: User) -> int:
    """An admin's reset for a lost phone: the person enrolls again at their next login."""
    deleted, _by_model = TOTPDevice.objects.filter(user=user).delete()
    return deleted
