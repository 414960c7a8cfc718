from django.urls import path

from moderation.views import abuse, assignments, credentials, devices, evidence, incidents

urlpatterns = [
    path(
        "register/<int:account_pk>/moderators/new/",
        assignments.assignment_new,
        name="assignment_new",
    ),
    path("moderators/<int:pk>/end/", assignments.assignment_end_view, name="assignment_end"),
    path(
        "register/<int:account_pk>/password-changes/new/",
        credentials.password_change_new,
        name="password_change_new",
    ),
    path(
        "register/<int:account_pk>/compromise/",
        credentials.compromise_report,
        name="compromise_report",
    ),
    path("credential-tasks/", credentials.task_list, name="credential_tasks"),
    path("credential-tasks/<int:pk>/", credentials.task_detail, name="credential_task"),
    path("credential-tasks/<int:pk>/done/", credentials.task_done, name="credential_task_done"),
    path(
        "credential-tasks/<int:pk>/cancel/",
        credentials.task_cancel_view,
        name="credential_task_cancel",
    ),
    path("devices/lost/", devices.lost_device_start, name="lost_device"),
    path("devices/lost/accounts/", devices.lost_device_accounts, name="lost_device_accounts"),
    path("devices/lost/check/", devices.lost_device_check, name="lost_device_check"),
    path("devices/reports/", devices.device_report_list, name="device_reports"),
    path("devices/reports/<int:pk>/", devices.device_report_detail, name="device_report"),
    path(
        "devices/reports/<int:pk>/close/",
        devices.device_report_close,
        name="device_report_close",
    ),
    path("incidents/", incidents.incident_list, name="incidents"),
    path("incidents/new/", incidents.incident_new, name="incident_new"),
    path("incidents/<int:pk>/", incidents.incident_detail, name="incident"),
    path("incidents/<int:pk>/account/", incidents.incident_account, name="incident_account"),
    path("incidents/<int:pk>/evidence/", incidents.incident_evidence, name="incident_evidence"),
    path("incidents/<int:pk>/close/", incidents.incident_close_view, name="incident_close"),
    path("abuse-cases/", abuse.case_list, name="abuse_cases"),
    path("abuse-cases/new/", abuse.case_new, name="abuse_case_new"),
    path("abuse-cases/<int:pk>/", abuse.case_detail, name="abuse_case"),
    path("abuse-cases/<int:pk>/steps/new/", abuse.case_step, name="abuse_case_step"),
    path("abuse-cases/<int:pk>/advice/", abuse.case_advice, name="abuse_case_advice"),
    path("abuse-cases/<int:pk>/close/", abuse.case_close_view, name="abuse_case_close"),
    path("abuse-cases/<int:pk>/reopen/", abuse.case_reopen_view, name="abuse_case_reopen"),
    path("evidence/<int:pk>/", evidence.evidence_file, name="evidence_file"),
]
