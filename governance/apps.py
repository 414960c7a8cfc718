from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "governance"
    verbose_name = "People, organisation and policy profile"

    def ready(self) -> None:
        from governance import todos  # noqa: F401 - registers this app's task providers
