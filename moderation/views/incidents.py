"""Staff incident reports (INC-1). Being written: every page answers 404 until it is."""

from django.http import Http404, HttpRequest, HttpResponse


def _not_yet(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    raise Http404


incident_list = incident_new = incident_detail = incident_account = _not_yet
incident_evidence = incident_close_view = _not_yet
