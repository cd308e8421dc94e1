"""URLs of the scoring pages; included under `scoring/` in portal/urls.py."""

from django.urls import path

from scoring.views import candidates, rankings

app_name = "scoring"

urlpatterns = [
    path("campaigns/<int:pk>/", rankings.campaign_scores, name="campaign_scores"),
    path("rankings/<int:pk>/", rankings.ranking, name="ranking"),
    path("candidates/<int:pk>/", candidates.score_sheet, name="score_sheet"),
    path("candidates/<int:pk>/what-if/", candidates.what_if, name="what_if"),
]
