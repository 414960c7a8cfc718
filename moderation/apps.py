from django.apps import AppConfig


class ModerationConfig(AppConfig):
    name = "moderation"
    verbose_name = "Moderators"

    def ready(self) -> None:
        from accounts import moderators
        from declarations import holders
        from governance.services import leavers
        from moderation import (
            demo,  # noqa: F401 - registers the demo moderators
            todos,  # noqa: F401 - registers tasks and navigation
        )
        from moderation.declaration_holders import ModerationHolders
        from moderation.register_source import ModerationSource
        from moderation.services.assignments import assignments_end_for_leaver, custody_for_leaver

        moderators.register(ModerationSource())
        holders.register(ModerationHolders())
        leavers.register(assignments_end_for_leaver)
        leavers.register(custody_for_leaver)
