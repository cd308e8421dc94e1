from campaigns.models import Campaign


def test_campaign_fixture_has_two_participating_units(campaign):
    assert Campaign.objects.get(pk=campaign.pk).participations.count() == 2
