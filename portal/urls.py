from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from campaigns.views.home import home

admin.site.site_header = "执法大练兵管理后台"
admin.site.site_title = "执法大练兵"
admin.site.index_title = "后台管理"


@never_cache
@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    """For load balancers: the process answers. Touches neither the database nor the session."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("", home, name="home"),
    path("accounts/", include("accounts.urls")),
    path("", include("campaigns.urls")),
    path("scoring/", include("scoring.urls")),
    path("submissions/", include("submissions.urls")),
    path("evidence/", include("evidence.urls")),
    path("jobs/", include("jobs.urls")),
    path("spreadsheets/", include("spreadsheets.urls")),
    path("cases/", include("cases.urls")),
    path("competitions/", include("competitions.urls")),
    path("dashboard/", include("dashboard.urls")),
    path("notices/", include("notifications.urls")),
    path("", include("publication.urls")),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]
