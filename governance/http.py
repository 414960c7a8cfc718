from django.http import HttpRequest

from governance.models import User


class AuthenticatedRequest(HttpRequest):
    """A request that LoginRequiredMiddleware has let through: its user is signed in."""

    user: User
