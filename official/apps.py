from django.apps import AppConfig


class OfficialConfig(AppConfig):
    name = "official"
    verbose_name = "Public register of official accounts"

    def ready(self) -> None:
        from official import demo  # noqa: F401 - registers the demo's published accounts
