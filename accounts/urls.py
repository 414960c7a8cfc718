from django.urls import path

from accounts.views import requests

urlpatterns = [
    path("requests/", requests.request_list, name="request_list"),
    path("requests/new/", requests.request_new, name="request_new"),
    path("requests/<int:pk>/", requests.request_detail, name="request_detail"),
    path("requests/<int:pk>/edit/", requests.request_edit, name="request_edit"),
    path("requests/<int:pk>/check/", requests.request_check, name="request_check"),
    path("requests/<int:pk>/decide/", requests.request_decide, name="request_decide"),
    path("requests/<int:pk>/withdraw/", requests.request_withdraw_view, name="request_withdraw"),
    path("requests/<int:pk>/evidence/", requests.request_evidence, name="request_evidence"),
]
