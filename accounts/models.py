from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q

from accounts.enums import Role


class User(AbstractUser):
    """A person who signs in. Branch staff are bound to one unit and see only its data."""

    display_name = models.CharField("姓名", max_length=50, blank=True)
    role = models.CharField("角色", max_length=20, choices=Role.choices, default=Role.BRANCH_STAFF)
    unit = models.ForeignKey(
        "campaigns.OrgUnit",
        verbose_name="所属单位",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"
        constraints = [
            models.CheckConstraint(
                condition=~Q(role=Role.BRANCH_STAFF) | Q(unit__isnull=False),
                name="branch_staff_has_unit",
                violation_error_message="单位填报员必须绑定所属单位。",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def is_branch_staff(self) -> bool:
        return self.role == Role.BRANCH_STAFF and not self.is_superuser

    @property
    def is_reviewer(self) -> bool:
        return self.role == Role.REVIEWER

    @property
    def is_campaign_admin(self) -> bool:
        return self.role == Role.CAMPAIGN_ADMIN or self.is_superuser

    @property
    def is_leadership(self) -> bool:
        return self.role == Role.LEADERSHIP
