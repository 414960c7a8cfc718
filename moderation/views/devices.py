"""TEMPORARY: replaced by the real views (helper at work)."""
from django.http import Http404


def lost_device_start(request, *args, **kwargs):
    raise Http404


def lost_device_accounts(request, *args, **kwargs):
    raise Http404


def lost_device_check(request, *args, **kwargs):
    raise Http404


def device_report_list(request, *args, **kwargs):
    raise Http404


def device_report_detail(request, *args, **kwargs):
    raise Http404


def device_report_close(request, *args, **kwargs):
    raise Http404
