from django.urls import path

from accounts.views import register, requests

urlpatterns = [
    path("requests/", requests.request_list, name="request_list"),
    path("requests/new/", requests.request_new, name="request_new"),
    path("requests/<int:pk>/", requests.request_detail, name="request_detail"),
    path("requests/<int:pk>/edit/", requests.request_edit, name="request_edit"),
    path("requests/<int:pk>/check/", requests.request_check, name="request_check"),
    path("requests/<int:pk>/decide/", requests.request_decide, name="request_decide"),
    path("requests/<int:pk>/withdraw/", requests.request_withdraw_view, name="request_withdraw"),
    path("requests/<int:pk>/evidence/", requests.request_evidence, name="request_evidence"),
    path("register/", register.register_list, name="register"),
    path(
        "register/export.csv",
        register.register_export,
        {"fmt": "csv"},
        name="register_export_csv",
    ),
    path(
        "register/export.xlsx",
        register.register_export,
        {"fmt": "xlsx"},
        name="register_export_xlsx",
    ),
    path("register/unapproved/new/", register.unapproved_new, name="unapproved_new"),
    path("register/<int:pk>/", register.account_detail, name="register_account"),
    path("register/<int:pk>/edit/", register.account_edit, name="register_account_edit"),
    path("register/<int:pk>/status/", register.account_status, name="register_account_status"),
    path("register/<int:pk>/reviews/new/", register.review_new, name="review_new"),
]
