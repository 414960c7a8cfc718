"""Evidence images (INC-3): served only through this view, to Communications, Legal and HR, as
a download that no browser will run or keep."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, HttpResponseBase
from django.shortcuts import redirect
from django.views.decorators.http import require_GET

from governance.http import AuthenticatedRequest
from moderation.access import access_evidence


@require_GET
def evidence_file(request: AuthenticatedRequest, pk: int) -> HttpResponseBase:
    evidence = access_evidence(request.user, pk)
    owner = evidence.case or evidence.incident
    assert owner is not None  # the database allows no evidence without one
    back = (
        ("abuse_case", evidence.case_id) if evidence.case_id else ("incident", evidence.incident_id)
    )
    try:
        stored = evidence.file.open("rb")
    except OSError:
        # The record names a file the storage no longer has (a restored backup, a moved disk).
        messages.error(
            request,
            "This evidence file cannot be found in the evidence store. Tell the portal's "
            "administrator.",
        )
        return redirect(*back)
    response = FileResponse(
        stored,
        as_attachment=True,
        filename=f"{owner.reference}-evidence-{evidence.pk}.{evidence.extension}",
        content_type=evidence.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
