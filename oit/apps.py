from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OitConfig(AppConfig):
    name = "oit"
    verbose_name = _("OIT open data items")

    def ready(self) -> None:
        import oit.reports  # noqa: F401  (registers the OIT report kinds)
        from ita.hooks import on_assessment_open, on_framework_load, on_framework_revision, on_withdrawal_impact
        from oit.selectors import withdrawal_impact
        from oit.services import checks_create_for_framework, items_create_for_assessment, items_follow_framework

        on_assessment_open(items_create_for_assessment)
        on_framework_load(checks_create_for_framework)
        on_framework_revision(items_follow_framework)
        on_withdrawal_impact(withdrawal_impact)
