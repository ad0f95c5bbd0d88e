from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LegalAssistanceConfig(AppConfig):
    name = "legal_assistance"
    verbose_name = _("Legal assistance")
