from django.apps import AppConfig


class ComplianceConfig(AppConfig):
    name = "compliance"
    verbose_name = "Compliance statement"

    def ready(self) -> None:
        from compliance import (
            demo,  # noqa: F401 - registers the demo council's past year
            navigation,  # noqa: F401 - registers the statement's sections
        )
