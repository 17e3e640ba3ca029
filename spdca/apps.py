from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SpdcaConfig(AppConfig):
    name = "spdca"
    verbose_name = _("SPDCA cycle")

    def ready(self) -> None:
        import spdca.reports  # noqa: F401  (registers the annual report)
        from ita.hooks import on_assessment_open
        from spdca.services import carry_over_for_assessment, stages_create_for_assessment

        on_assessment_open(stages_create_for_assessment)
        on_assessment_open(carry_over_for_assessment)
