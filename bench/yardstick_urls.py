"""The portal's URLs plus a stock Django admin for the register, as a yardstick (bench/pages.py).

The admin site here has the register's Account with a plain ModelAdmin and nothing else: its
changelist is what Django gives for free, so a portal page that is slower than it, on the same
data in the same run, is slower than it needs to be.
"""

from django.contrib import admin
from django.urls import include, path

from accounts.models import Account

yardstick_site = admin.AdminSite(name="yardstick")
yardstick_site.register(Account, admin.ModelAdmin)

urlpatterns = [
    path("bench-admin/", yardstick_site.urls),
    path("", include("governance.urls")),
]
