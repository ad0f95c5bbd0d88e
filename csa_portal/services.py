"""State changes of the cross-cutting records."""

from django.db import transaction

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
