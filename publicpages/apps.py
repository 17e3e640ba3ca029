from django.apps import AppConfig


class PublicConfig(AppConfig):
    name = "publicpages"
    verbose_name = "Public pages"
