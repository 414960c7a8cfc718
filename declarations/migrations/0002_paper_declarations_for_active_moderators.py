"""Moderators made active before declarations gated access (DEC-3) signed on paper, if at all:
their paper declaration stands for the profile's grace period, in which the portal asks them
to sign. A Derby profile also starts asking for the requester's declaration (REQ-2)."""

import datetime

from django.db import migrations
from django.utils import timezone


def forwards(apps, schema_editor):
    Assignment = apps.get_model("moderation", "ModeratorAssignment")
    Declaration = apps.get_model("declarations", "Declaration")
    PolicyProfile = apps.get_model("governance", "PolicyProfile")
    profile = PolicyProfile.objects.filter(pk=1).first()
    grace = profile.reacknowledgement_grace_days if profile else 30
    if profile is not None and profile.preset == "derby":
        profile.require_requester_declaration = True
        profile.save(update_fields=["require_requester_declaration"])
    now = timezone.now()
    lapses_on = timezone.localdate(now) + datetime.timedelta(days=grace)
    people = (
        Assignment.objects.filter(state="active")
        .exclude(person__declarations__superseded_at__isnull=True)
        .values_list("person_id", flat=True)
        .distinct()
    )
    Declaration.objects.bulk_create(
        Declaration(person_id=person, on_paper=True, signed_at=now, lapses_on=lapses_on)
        for person in people
    )


class Migration(migrations.Migration):
    dependencies = [
        ("declarations", "0001_initial"),
        ("governance", "0008_declaration_rules"),
        ("moderation", "0003_password_changes_before_the_portal"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
