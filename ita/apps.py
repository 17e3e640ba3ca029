from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ItaConfig(AppConfig):
    name = "ita"
    verbose_name = _("ITA framework and assessments")

    def ready(self) -> None:
        import ita.reports  # noqa: F401  (registers the respondent report)
