from django.apps import AppConfig


class DeclarationsConfig(AppConfig):
    name = "declarations"
    verbose_name = "Declarations"

    def ready(self) -> None:
        from declarations import (
            demo,  # noqa: F401 - registers the demo policy and declarations
            todos,  # noqa: F401 - registers tasks and navigation
        )
