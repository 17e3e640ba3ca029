from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SpdcaConfig(AppConfig):
    name = "spdca"
    verbose_name = _("SPDCA cycle")
