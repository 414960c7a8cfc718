from django.apps import AppConfig


class BreachesConfig(AppConfig):
    name = "breaches"
    verbose_name = "Breaches of the policy (HR)"

    def ready(self) -> None:
        from breaches import (
            demo,  # noqa: F401 - registers the demo breach records
            todos,  # noqa: F401 - registers HR's tasks and the navigation
        )
