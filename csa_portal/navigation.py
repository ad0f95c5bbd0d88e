"""The main menu, filled by each app from its AppConfig.ready() (like csa_portal.panels).

csa_portal renders the menu without importing the apps that own the pages.
"""

from collections.abc import Callable
from dataclasses import dataclass

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


def kept_in_session(key: str, question: Callable, *, staff: bool) -> tuple[Callable, Callable]:
    """A menu item's check for a question about the person that costs a query (do they belong
    to an organization? are they a pro bono lawyer?), so that no page pays it: returns
    (visible, remember). Staff get `staff` with no query. For others `remember`, connected to
    user_logged_in, keeps the answer in the session at login; a session from before pays one
    query on its first page. A display cache only: someone whose answer changes while logged
    in sees the menu change after their next login (the pages themselves check access)."""

    def remember(sender, request, user, **kwargs) -> None:
        if not user.is_program_staff and hasattr(request, "session"):
            request.session[key] = question(user)

    def visible(user, request) -> bool:
        if user.is_program_staff:
            return staff
        session = getattr(request, "session", None)
        if session is not None and key in session:
            return bool(session[key])
        answer = question(user)
        if session is not None:
            session[key] = answer
        return answer

    return visible, remember


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
