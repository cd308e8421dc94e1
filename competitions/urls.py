from django.urls import path

from competitions import views

app_name = "competitions"
urlpatterns = [
    path("", views.index, name="index"),
    path("campaign/<int:pk>/", views.competition_list, name="list"),
    path("<int:pk>/", views.competition_detail, name="detail"),
    path("<int:pk>/manage/<slug:action>/", views.manage, name="manage"),
    path("<int:pk>/draws/", views.draw_records, name="draws"),
    path("<int:pk>/results/", views.results, name="results"),
    path("event/<int:pk>/judges/", views.event_judges, name="judges"),
    path("event/<int:pk>/results/", views.enter_results, name="enter"),
]
