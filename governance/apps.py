from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "governance"
    verbose_name = "People, organisation and policy profile"

    def ready(self) -> None:
        from governance import audit, todos  # noqa: F401 - todos registers task providers

        audit.connect()  # event rows for allauth's two-step verification and password changes
