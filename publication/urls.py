"""URLs of approvals, notices, objections and results; included at the root in portal/urls.py.

The public notice lives under gongshi/ (公示) and needs no login; everything else does."""

from django.urls import path

from publication.views import office, public, results

app_name = "publication"

urlpatterns = [
    path("gongshi/", public.notice_index, name="notice_index"),
    path("gongshi/<int:pk>/", public.notice_public, name="notice_public"),
    path("publication/campaigns/<int:pk>/", office.campaign_publication, name="campaign"),
    path("publication/pins/<int:pin_pk>/submit/", office.submit, name="submit"),
    path("publication/approvals/<int:pk>/", office.approval_detail, name="approval"),
    path("publication/approvals/<int:pk>/decide/", office.decide, name="decide"),
    path("publication/approvals/<int:pk>/publish/", office.publish, name="publish"),
    path("publication/notices/<int:pk>/objections/", office.objection_list, name="objections"),
    path("publication/objections/<int:pk>/", office.objection_detail, name="objection"),
    path(
        "publication/attachments/<int:pk>/",
        office.attachment_download,
        name="attachment",
    ),
    path("results/campaigns/<int:pk>/", results.campaign_results, name="results"),
    path("results/archive/", results.archive, name="archive"),
]
