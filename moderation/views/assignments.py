"""TEMPORARY: replaced by the real views (helper at work)."""
from django.http import Http404


def assignment_new(request, *args, **kwargs):
    raise Http404


def assignment_end_view(request, *args, **kwargs):
    raise Http404


def assignment_activate_view(request, *args, **kwargs):
    raise Http404
