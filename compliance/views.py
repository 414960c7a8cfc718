"""The compliance statement and the clause map (AUD-1). Filled in by its pages."""

from __future__ import annotations

from django.http import Http404, HttpResponse

from governance.http import AuthenticatedRequest


def compliance_statement(request: AuthenticatedRequest) -> HttpResponse:
    raise Http404


compliance_statement_csv = clause_map = compliance_statement
