"""Carry each account's typed "password last changed" date over as a password change recorded
before the portal (MOD-3): from now on the date is the latest recorded change."""

from django.db import migrations


def carry_over(apps, schema_editor):
    Account = apps.get_model("accounts", "Account")
    PasswordChange = apps.get_model("moderation", "PasswordChange")
    PasswordChange.objects.bulk_create(
        [
            PasswordChange(
                account_id=account_id,
                changed_on=changed_on,
                reason="before_portal",
                details="Date typed into the register before password changes were recorded",
                recorded_at=updated_at,
            )
            for account_id, changed_on, updated_at in Account.objects.filter(
                password_last_changed__isnull=False
            ).values_list("pk", "password_last_changed", "updated_at")
        ],
        batch_size=1000,
    )


def carry_back(apps, schema_editor):
    Account = apps.get_model("accounts", "Account")
    PasswordChange = apps.get_model("moderation", "PasswordChange")
    for change in PasswordChange.objects.filter(reason="before_portal"):
        Account.objects.filter(pk=change.account_id).update(password_last_changed=change.changed_on)
    PasswordChange.objects.filter(reason="before_portal").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_access_model"),
        ("moderation", "0002_credentials"),
    ]

    operations = [migrations.RunPython(carry_over, carry_back)]
