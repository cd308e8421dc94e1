"""The export panel's one form: which export to start (and, for a score sheet, whose)."""

from __future__ import annotations

from django import forms

from scoring.models import Candidate

RANKING, RECOMMENDATION, SCORE_SHEET = "ranking", "recommendation", "score_sheet"
CHOICES = [
    (RANKING, "排名表"),
    (RECOMMENDATION, "推荐名单"),
    (SCORE_SHEET, "评分表"),
]


class ExportForm(forms.Form):
    export = forms.ChoiceField(label="导出内容", choices=CHOICES)
    candidate = forms.IntegerField(
        label="参评对象编号",
        required=False,
        min_value=1,
        help_text="导出评分表时填写：评分表页面地址中的编号。",
    )

    def __init__(self, *args, campaign, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.campaign = campaign

    def clean(self) -> dict:
        data = super().clean()
        if data.get("export") == SCORE_SHEET:
            pk = data.get("candidate")
            candidate = (
                Candidate.objects.select_related("campaign_rubric__campaign")
                .filter(pk=pk, campaign_rubric__campaign=self.campaign)
                .first()
                if pk
                else None
            )
            if candidate is None:
                self.add_error("candidate", "请填写本活动参评对象的编号。")
            data["candidate_obj"] = candidate
        return data
