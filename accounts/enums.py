from django.db import models


class Role(models.TextChoices):
    BRANCH_STAFF = "branch_staff", "单位填报员"
    REVIEWER = "reviewer", "评审员"
    CAMPAIGN_ADMIN = "campaign_admin", "活动管理员"
    LEADERSHIP = "leadership", "领导小组成员"
