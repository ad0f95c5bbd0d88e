"""The grants pages' filters: money (shared with every app, csa_portal.templatetags.formatting)."""

from django import template

from csa_portal.templatetags.formatting import money

register = template.Library()
register.filter("money", money)
