from django.urls import path

from campaigns.views import campaigns, officers, units

app_name = "campaigns"

urlpatterns = [
    path("campaigns/", campaigns.campaign_list, name="campaign_list"),
    path("campaigns/<int:pk>/", campaigns.campaign_detail, name="campaign_detail"),
    path("units/", units.unit_list, name="unit_list"),
    path("units/<int:pk>/", units.unit_detail, name="unit_detail"),
    path("units/<int:pk>/officers/add/", officers.officer_create, name="officer_create"),
    path("officers/<int:pk>/edit/", officers.officer_edit, name="officer_edit"),
]
