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
