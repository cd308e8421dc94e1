from django.conf import settings
from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "执法大练兵管理后台"
admin.site.site_title = "执法大练兵"
admin.site.index_title = "后台管理"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]

if settings.DEBUG:
    pass
