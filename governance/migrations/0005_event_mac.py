"""Seal the event log with an HMAC keyed outside the database (settings.EVENT_LOG_KEY).

Rows already in the chain keep their content and SHA-256 exactly as written; each only gains
its seal, computed here with the key in the environment at migrate time, so that from now on
every row carries one and the verifier can insist on it.
"""

import hashlib
import hmac

from django.conf import settings
from django.db import migrations, models

GENESIS_MAC = "0" * 64


def _seal(prev_mac, event_hash):
    # A frozen copy of governance.models.events.event_seal: the two must stay identical.
    key = hmac.new(settings.EVENT_LOG_KEY.encode(), b"event-seal", hashlib.sha256).digest()
    return hmac.new(key, f"{prev_mac}:{event_hash}".encode(), hashlib.sha256).hexdigest()


def seal_existing_events(apps, schema_editor):
    Event = apps.get_model("governance", "Event")
    EventChainHead = apps.get_model("governance", "EventChainHead")
    postgres = schema_editor.connection.vendor == "postgresql"
    if postgres:
        # The append-only trigger of 0002 refuses every UPDATE; lift it for this migration only.
        # (ALTER TABLE needs no deferred checks pending, hence SET CONSTRAINTS first.)
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        schema_editor.execute(
            "ALTER TABLE governance_event DISABLE TRIGGER governance_event_append_only"
        )
    prev_mac = GENESIS_MAC
    # The historical model has a plain manager, so update() is allowed here and only here.
    last_seq = 0
    # In batches with no cursor left open while rows are updated (SQLite does not isolate them).
    while batch := list(
        Event.objects.filter(seq__gt=last_seq)
        .order_by("seq")
        .values_list("pk", "seq", "hash")[:2000]
    ):
        for pk, seq, event_hash in batch:
            prev_mac = _seal(prev_mac, event_hash)
            Event.objects.filter(pk=pk).update(mac=prev_mac)
            last_seq = seq
    # The next row written is sealed over the newest row's seal.
    EventChainHead.objects.update(last_mac=prev_mac)
    if postgres:
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        schema_editor.execute(
            "ALTER TABLE governance_event ENABLE TRIGGER governance_event_append_only"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("governance", "0004_notification_retry_backoff"),
    ]

    operations = [
        migrations.AddField(
            model_name="event",
            name="mac",
            field=models.CharField(
                blank=True,
                editable=False,
                help_text="HMAC of the previous seal and this row's hash, keyed outside the database.",
                max_length=64,
                verbose_name="seal",
            ),
        ),
        migrations.AddField(
            model_name="eventchainhead",
            name="last_mac",
            field=models.CharField(
                default="0000000000000000000000000000000000000000000000000000000000000000",
                max_length=64,
            ),
        ),
        migrations.RunPython(seal_existing_events, migrations.RunPython.noop),
    ]
