from django.apps import AppConfig


class ComplianceConfig(AppConfig):
    name = "compliance"
    verbose_name = "Compliance statement"

    def ready(self) -> None:
        from compliance import navigation  # noqa: F401 - registers the statement's sections
