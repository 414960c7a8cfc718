"""Public abuse cases (INC-2). Being written: every page answers 404 until it is."""

from django.http import Http404, HttpRequest, HttpResponse


def _not_yet(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    raise Http404


case_list = case_new = case_detail = case_step = case_advice = _not_yet
case_close_view = case_reopen_view = _not_yet
