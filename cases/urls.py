from django.urls import path

from cases import views

app_name = "cases"
urlpatterns = [
    path("queue/", views.queue, name="queue"),
    path("review/<int:pk>/", views.review, name="review"),
    path("review/<int:pk>/conflict/", views.conflict, name="conflict"),
    path("campaign/<int:pk>/", views.oversight, name="oversight"),
    path("campaign/<int:pk>/seed/", views.announce_seed, name="announce_seed"),
    path("campaign/<int:pk>/draw/", views.draw, name="draw"),
    path("campaign/<int:pk>/assign/", views.assign, name="assign"),
    path("sampled/<int:pk>/arbitrate/", views.arbitrate, name="arbitrate"),
    path("unit/<int:pk>/", views.unit_cases, name="unit_cases"),
    path("candidate/<int:pk>/", views.candidate_files, name="candidate_files"),
    path("candidate/<int:pk>/submit/", views.submit_cases, name="submit_cases"),
]
