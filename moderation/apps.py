from django.apps import AppConfig


class ModerationConfig(AppConfig):
    name = "moderation"
    verbose_name = "Moderators"

    def ready(self) -> None:
        from accounts import moderators
        from moderation import demo  # noqa: F401 - registers the demo moderators
        from moderation.register_source import ModerationSource

        moderators.register(ModerationSource())
