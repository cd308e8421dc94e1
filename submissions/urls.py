"""URLs of the submissions pages; included under `submissions/` in portal/urls.py."""

from django.urls import path

from submissions.views import nominations, reports, review, self_assessment

app_name = "submissions"

urlpatterns = [
    path("campaigns/<int:pk>/", self_assessment.campaign_overview, name="campaign_overview"),
    path("candidates/<int:pk>/", self_assessment.self_assessment, name="self_assessment"),
    path("candidates/<int:pk>/preview/", self_assessment.preview_points, name="preview"),
    path("review/", review.review_queue_view, name="review_queue"),
    path("review/bulk-accept/", review.bulk_accept, name="bulk_accept"),
    path("claims/<int:pk>/review/", review.claim_review, name="claim_review"),
    path("pins/<int:pk>/nominations/", nominations.nominations, name="nominations"),
    path("nominations/<int:pk>/withdraw/", nominations.withdraw, name="nomination_withdraw"),
    path("campaigns/<int:pk>/reports/", reports.unit_reports, name="unit_reports"),
    path("campaigns/<int:pk>/reports/late/", reports.late_reports_view, name="late_reports"),
]
