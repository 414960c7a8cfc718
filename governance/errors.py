class DomainError(Exception):
    """A move the rules do not allow. Its message is written for the person who tried it.

    Views turn it into a message on the page, never a server error. ``field`` names the form
    question the message is about, when there is one, so the page can show it there.
    """

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
