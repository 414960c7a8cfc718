from django.urls import path

from official import views

urlpatterns = [
    path("official-accounts/", views.official_accounts, name="official_accounts"),
    path("official-accounts/check/", views.official_check, name="official_check"),
    path("official-accounts/report/", views.official_report, name="official_report"),
    path("official-accounts/report/sent/", views.official_report_sent, name="official_report_sent"),
    path("official-accounts/open-data/", views.official_open_data, name="official_open_data"),
    path(
        "official-accounts/accounts.csv",
        views.official_open_data_file,
        {"fmt": "csv"},
        name="official_open_data_csv",
    ),
    path(
        "official-accounts/accounts.json",
        views.official_open_data_file,
        {"fmt": "json"},
        name="official_open_data_json",
    ),
]
