"""Template helpers of the portal pages: translated choice labels, admin links that degrade
when a model is not registered, and phase countdowns."""

from __future__ import annotations

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext, gettext_noop

register = template.Library()

# The choice labels in accounts/enums.py and campaigns/enums.py are plain Chinese strings, so
# the English catalogue cannot reach them through the models. They are marked here for
# makemessages and translated at render time by the `translated` filter; a test checks that
# every label of those enums has an English entry.
ENUM_LABELS = (
    # accounts.enums.Role
    gettext_noop("单位填报员"),
    gettext_noop("评审员"),
    gettext_noop("活动管理员"),
    gettext_noop("领导小组成员"),
    # campaigns.enums.UnitKind
    gettext_noop("市局"),
    gettext_noop("综合执法支队"),
    gettext_noop("分局"),
    gettext_noop("县区局"),
    gettext_noop("区域性执法局"),
    gettext_noop("科室"),
    gettext_noop("执法大队/中队"),
    # campaigns.enums.CampaignStatus
    gettext_noop("筹备中"),
    gettext_noop("进行中"),
    gettext_noop("已结束"),
    gettext_noop("已归档"),
    # campaigns.enums.PhaseKind
    gettext_noop("动员部署"),
    gettext_noop("活动实施"),
    gettext_noop("自评推选"),
    gettext_noop("复审"),
    gettext_noop("公示"),
    gettext_noop("总结表扬"),
    # campaigns.enums.LeaderRole / GroupMemberRole
    gettext_noop("组长"),
    gettext_noop("副组长"),
    gettext_noop("成员"),
    # campaigns.enums.WorkingGroupKind
    gettext_noop("工作组"),
    gettext_noop("成员单位分工"),
)


@register.filter
def translated(label: object) -> str:
    """`{{ phase.get_kind_display|translated }}`: the label in the active language."""
    return gettext(str(label)) if label else ""


@register.simple_tag
def admin_url(name: str, *args: object) -> str:
    """`{% admin_url "campaigns_campaign_add" as url %}`: "" when the admin page is missing,
    so the home page never breaks while a model is not (yet) registered in the admin."""
    try:
        return reverse(f"admin:{name}", args=args)
    except NoReverseMatch:
        return ""
