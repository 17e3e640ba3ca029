from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OitConfig(AppConfig):
    name = "oit"
    verbose_name = _("OIT open data items")

    def ready(self) -> None:
        import oit.reports  # noqa: F401  (registers the OIT report kinds)
        from ita.hooks import on_assessment_open, on_framework_load
        from oit.services import checks_create_for_framework, items_create_for_assessment

        on_assessment_open(items_create_for_assessment)
        on_framework_load(checks_create_for_framework)
