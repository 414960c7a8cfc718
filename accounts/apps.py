from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Official social media accounts"

    def ready(self) -> None:
        from accounts import todos  # noqa: F401 - registers tasks, navigation and demo data
