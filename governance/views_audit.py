"""The event log's signed checkpoint, for auditors to keep outside the database (SPEC AUD-2).

Both answers carry `Cache-Control: no-store`, as every signed-in page does
(governance.middleware.NoStoreMiddleware)."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from governance.decorators import allowed_if
from governance.http import AuthenticatedRequest
from governance.rules import can_view_event_checkpoint
from governance.services.events import events_checkpoint


@allowed_if(can_view_event_checkpoint)
@require_GET
def event_checkpoint(request: AuthenticatedRequest) -> HttpResponse:
    checkpoint = events_checkpoint()
    return render(
        request,
        "governance/checkpoint.html",
        {"checkpoint": checkpoint, "document": checkpoint.document()},
    )


@allowed_if(can_view_event_checkpoint)
@require_GET
def event_checkpoint_download(request: AuthenticatedRequest) -> HttpResponse:
    checkpoint = events_checkpoint()
    response = HttpResponse(checkpoint.document(), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{checkpoint.filename}"'
    return response
