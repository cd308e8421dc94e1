"""Forms of the competitions pages; every write goes through competitions.services."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib.auth import get_user_model

from campaigns.models import Officer, OrgUnit
from cases.models import DrawSeed
from competitions.enums import CompetitionLevel, CompetitionMode, DrawKind
from competitions.models import CompetitionDraw
from competitions.services import competing_units
from scoring.models import CampaignRubric


class CompetitionForm(forms.Form):
    title = forms.CharField(label="比武名称", max_length=200)
    mode = forms.ChoiceField(label="评分对象", choices=CompetitionMode.choices)
    level = forms.ChoiceField(label="比武级别", choices=CompetitionLevel.choices)
    drawn_per_unit = forms.IntegerField(label="每单位随机抽选人数", min_value=0, initial=0)
    nominated_per_unit = forms.IntegerField(label="每单位推荐人数", min_value=0, initial=0)
    problem_deduction = forms.DecimalField(
        label="点评每个问题扣分", min_value=Decimal(0), initial=Decimal("0.5"), decimal_places=2
    )
    description = forms.CharField(
        label="比武方案", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class EventForm(forms.Form):
    name = forms.CharField(label="项目名称", max_length=100)
    weight = forms.DecimalField(
        label="权重（%）", required=False, min_value=Decimal("0.01"), max_value=Decimal(100)
    )
    max_score = forms.DecimalField(label="满分", min_value=Decimal("0.01"), initial=Decimal(100))


class JudgesForm(forms.Form):
    judges = forms.ModelMultipleChoiceField(
        label="评委", queryset=get_user_model().objects.none(), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["judges"].queryset = (
            get_user_model()
            .objects.filter(is_active=True)
            .exclude(role="branch_staff")
            .order_by("username")
        )


class SeedForm(forms.Form):
    value = forms.CharField(label="随机种子", max_length=200)
    note = forms.CharField(label="公布方式", max_length=200, required=False)


class DrawForm(forms.Form):
    kind = forms.ChoiceField(label="抽取内容", choices=DrawKind.choices)
    unit = forms.ModelChoiceField(label="单位", queryset=OrgUnit.objects.none())
    count = forms.IntegerField(label="数量", min_value=1, required=False)
    seed = forms.ModelChoiceField(label="随机种子", queryset=DrawSeed.objects.none())
    replaces = forms.ModelChoiceField(
        label="取代抽取", queryset=CompetitionDraw.objects.none(), required=False
    )
    reason = forms.CharField(label="重新抽取理由", max_length=500, required=False)

    def __init__(self, *args: Any, competition: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = competing_units(competition)
        self.fields["seed"].queryset = DrawSeed.objects.filter(campaign=competition.campaign)
        self.fields["replaces"].queryset = CompetitionDraw.objects.filter(
            competition=competition, replaced_by__isnull=True
        )


class NominateForm(forms.Form):
    unit = forms.ModelChoiceField(label="推荐单位", queryset=OrgUnit.objects.none())
    certificate_no = forms.CharField(label="执法证件号", max_length=40)

    def __init__(self, *args: Any, competition: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = competing_units(competition)

    def clean_certificate_no(self) -> Officer:
        value = self.cleaned_data["certificate_no"].strip()
        officer = Officer.objects.filter(certificate_no=value).select_related("unit").first()
        if officer is None:
            raise forms.ValidationError(f"未找到执法证件号为“{value}”的执法人员。")
        return officer


class RankingForm(forms.Form):
    pin = forms.ModelChoiceField(label="个人评分细则", queryset=CampaignRubric.objects.none())

    def __init__(self, *args: Any, competition: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["pin"].queryset = CampaignRubric.objects.filter(
            campaign=competition.campaign
        ).select_related("version")


class EnterpriseForm(forms.Form):
    text = forms.CharField(
        label="企业名单",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="每行一家：单位代码，企业名称[，统一社会信用代码][，行业]。",
    )


class ResultForm(forms.Form):
    score = forms.DecimalField(label="成绩", min_value=Decimal(0), decimal_places=2)
    problems = forms.IntegerField(label="点评发现问题数", min_value=0, initial=0)
    note = forms.CharField(label="点评意见", max_length=500, required=False)
