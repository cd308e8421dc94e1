# Evidence files (issue #4): stored outside the web root, served only through checked views.
from django.urls import path

from evidence import views

app_name = "evidence"
urlpatterns = [
    path("upload/", views.upload, name="upload"),
    path("<int:pk>/download/", views.download, name="download"),
    path("<int:pk>/preview/", views.preview, name="preview"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("unit/<int:unit_pk>/", views.unit_files, name="unit_files"),
]
