"""Breach records (HR-1, HR-2). Being written: every page answers 404 until it is."""

from django.http import Http404, HttpRequest, HttpResponse


def _not_yet(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    raise Http404


breach_list = breach_new = breach_detail = breach_edit = breach_close_view = _not_yet
breach_move = breach_people = breach_person = breach_reads = _not_yet
concern_new = concern_received = _not_yet
