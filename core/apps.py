from django.apps import AppConfig
from django.db.backends.signals import connection_created


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from core import checks  # noqa: F401 - registers the system checks
        from core.thai import register_sqlite_thai_collation

        connection_created.connect(register_sqlite_thai_collation)
