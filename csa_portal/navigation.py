"""The main menu, filled by each app from its AppConfig.ready() (like csa_portal.panels).

csa_portal renders the menu without importing the apps that own the pages.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.signals import user_logged_in
from django.http import HttpRequest
from django.urls import reverse


@dataclass(frozen=True)
class NavItem:
    name: str
    label: str  # a lazy translation
    url_name: str
    order: int
    visible: Callable  # visible(user) -> bool; visible(user, request) with_request=True
    with_request: bool = False  # for checks that keep an answer in the session


_ITEMS: dict[str, NavItem] = {}


def register_nav_item(
    *, name: str, label, url_name: str, order: int, visible, with_request: bool = False
) -> None:
    _ITEMS[name] = NavItem(
        name=name,
        label=label,
        url_name=url_name,
        order=order,
        visible=visible,
        with_request=with_request,
    )


def register_nav_item_answered_at_login(
    *, name: str, label, url_name: str, order: int, session_key: str, question, staff: bool
) -> None:
    """A menu item shown to whom `question(user)` answers yes, a question that costs a query
    (do they belong to an organization? are they a pro bono lawyer?), so that no page pays it.
    Staff get `staff` with no query. For others the answer is kept in the session at login; a
    session from before pays one query on its first page. A display cache only: someone whose
    answer changes while logged in sees the menu change after their next login (the pages
    themselves check access)."""

    def remember(sender, request, user, **kwargs) -> None:
        if not user.is_program_staff and hasattr(request, "session"):
            request.session[session_key] = question(user)

    def visible(user, request) -> bool:
        if user.is_program_staff:
            return staff
        session = getattr(request, "session", None)
        if session is not None and session_key in session:
            return bool(session[session_key])
        answer = question(user)
        if session is not None:
            session[session_key] = answer
        return answer

    register_nav_item(
        name=name, label=label, url_name=url_name, order=order, visible=visible, with_request=True
    )
    # weak=False: `remember` is a closure that nothing else keeps alive.
    user_logged_in.connect(remember, weak=False, dispatch_uid=f"{name}.remember_menu")


def main_menu(request: HttpRequest) -> dict:
    """Context processor: the menu entries this user may open, in order."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"main_menu": []}
    items = sorted(_ITEMS.values(), key=lambda item: item.order)
    return {
        "main_menu": [
            {"label": item.label, "url": reverse(item.url_name), "name": item.name}
            for item in items
            if (item.visible(user, request) if item.with_request else item.visible(user))
        ]
    }
