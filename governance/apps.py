from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "governance"
    verbose_name = "People, organisation and policy profile"

    def ready(self) -> None:
        # todos registers task providers, checks the deployment checks.
        from governance import audit, checks, todos  # noqa: F401

        audit.connect()  # event rows for allauth's two-step verification and password changes
