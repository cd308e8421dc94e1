"""URLs of the progress dashboard; included under `dashboard/` in portal/urls.py."""

from django.urls import path

from dashboard import views

app_name = "dashboard"

urlpatterns = [
    path("", views.index, name="index"),
    path("campaigns/<int:pk>/", views.campaign_dashboard, name="campaign"),
]
