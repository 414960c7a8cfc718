class DomainError(Exception):
    """A move the rules do not allow. Its message is written for the person who tried it.

    Views turn it into a message on the page, never a server error.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
