"""TEMPORARY: replaced by the real views (helper at work)."""
from django.http import Http404


def password_change_new(request, *args, **kwargs):
    raise Http404


def compromise_report(request, *args, **kwargs):
    raise Http404


def task_list(request, *args, **kwargs):
    raise Http404


def task_detail(request, *args, **kwargs):
    raise Http404


def task_done(request, *args, **kwargs):
    raise Http404


def task_cancel_view(request, *args, **kwargs):
    raise Http404
