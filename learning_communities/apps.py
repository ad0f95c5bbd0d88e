from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LearningCommunitiesConfig(AppConfig):
    name = "learning_communities"
    verbose_name = _("Learning Communities")
