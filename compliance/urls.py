from django.urls import path

from compliance import views

urlpatterns = [
    path("register/dashboard/", views.register_dashboard, name="register_dashboard"),
    path("compliance/", views.compliance_statement, name="compliance"),
    path("compliance/statement.csv", views.compliance_statement_csv, name="compliance_csv"),
    path("compliance/clauses/", views.clause_map, name="compliance_clauses"),
]
