"""URLs of the notices pages; included under `notices/` in portal/urls.py."""

from django.urls import path

from notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.notice_list, name="list"),
    path("<int:pk>/read/", views.read, name="read"),
    path("read-all/", views.read_all, name="read_all"),
    path("campaigns/<int:pk>/send-now/", views.send_now, name="send_now"),
]
