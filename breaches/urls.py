from django.urls import path

from breaches import views

urlpatterns = [
    path("hr/breaches/", views.breach_list, name="breaches"),
    path("hr/breaches/new/", views.breach_new, name="breach_new"),
    path("hr/breaches/<int:pk>/", views.breach_detail, name="breach"),
    path("hr/breaches/<int:pk>/edit/", views.breach_edit, name="breach_edit"),
    path("hr/breaches/<int:pk>/close/", views.breach_close_view, name="breach_close"),
    path("hr/breaches/<int:pk>/move/", views.breach_move, name="breach_move"),
    path("hr/people/", views.breach_people, name="breach_people"),
    path("hr/people/<int:pk>/", views.breach_person, name="breach_person"),
    path("hr/reads/", views.breach_reads, name="breach_reads"),
    path("concerns/new/", views.concern_new, name="concern_new"),
    path("concerns/received/", views.concern_received, name="concern_received"),
]
