from django.urls import path

from spreadsheets.views import imports as import_views

app_name = "spreadsheets"
urlpatterns: list = []

# --- imports (spreadsheets/imports, views/imports.py) ---
urlpatterns += [
    path("campaign/<int:pk>/imports/", import_views.import_page, name="imports"),
    path(
        "campaign/<int:pk>/imports/template/<str:kind>.xlsx",
        import_views.template_download,
        name="import_template",
    ),
]
# --- end imports ---

# --- exports (spreadsheets/exports, views/exports.py) ---
from spreadsheets.views import exports as export_views  # noqa: E402

urlpatterns += [
    path("campaign/<int:pk>/exports/", export_views.export_panel, name="exports"),
]
# --- end exports ---
