from django.urls import path

from moderation.views import assignments, credentials, devices

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
]
