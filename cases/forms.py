"""The review form, built from the pinned checklist version: one row per document item (state +
points), one per grave problem (tick + reason), one per basic-element deduction (times)."""

from __future__ import annotations

from typing import Any

from django import forms

from cases.enums import ItemState
from cases.scoring import Checklist

STATE_CHOICES = [("", "未评"), *ItemState.choices]


class ReviewForm(forms.Form):
    def __init__(self, *args: Any, checklist: Checklist, case_type: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.checklist = checklist
        self.case_type = case_type
        _reviewed_as, self.item_set = checklist.item_set_for(case_type)
        self.item_rows = []
        for item in self.item_set.items:
            state = forms.ChoiceField(
                label=item.title, choices=STATE_CHOICES, required=False, widget=forms.RadioSelect
            )
            points = forms.DecimalField(
                label=f"{item.title}得分",
                required=False,
                min_value=0,
                max_value=item.points,
                decimal_places=2,
                widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
            )
            self.fields[f"state_{item.id}"] = state
            self.fields[f"points_{item.id}"] = points
            self.item_rows.append((item, f"state_{item.id}", f"points_{item.id}"))
        self.grave_rows = []
        for problem in checklist.grave_for(case_type):
            self.fields[f"grave_{problem.id}"] = forms.BooleanField(
                label=problem.title, required=False
            )
            self.fields[f"reason_{problem.id}"] = forms.CharField(
                label="理由", required=False, max_length=500
            )
            self.grave_rows.append((problem, f"grave_{problem.id}", f"reason_{problem.id}"))
        self.deduction_rows = []
        for deduction in checklist.deductions:
            self.fields[f"ded_{deduction.id}"] = forms.IntegerField(
                label=deduction.title, required=False, min_value=0, max_value=50
            )
            self.deduction_rows.append((deduction, f"ded_{deduction.id}"))
        self.has_bonus = bool(self.item_set.bonus_points)
        if self.has_bonus:
            self.fields["bonus_met"] = forms.BooleanField(
                label=f"{self.item_set.bonus_condition}（+{self.item_set.bonus_points}）",
                required=False,
            )

    # Bound fields per row, for the template (a form field lookup by computed name is not
    # something the template language does).
    def bound_items(self) -> list[tuple[Any, Any, Any]]:
        return [(item, self[state], self[points]) for item, state, points in self.item_rows]

    def bound_grave(self) -> list[tuple[Any, Any, Any]]:
        return [(problem, self[tick], self[reason]) for problem, tick, reason in self.grave_rows]

    def bound_deductions(self) -> list[tuple[Any, Any]]:
        return [(deduction, self[field]) for deduction, field in self.deduction_rows]

    @staticmethod
    def initial_from(marks: dict[str, Any]) -> dict[str, Any]:
        initial: dict[str, Any] = {}
        for item_id, mark in (marks.get("items") or {}).items():
            initial[f"state_{item_id}"] = mark.get("state", "")
            initial[f"points_{item_id}"] = mark.get("points")
        for problem_id, reason in (marks.get("grave") or {}).items():
            initial[f"grave_{problem_id}"] = True
            initial[f"reason_{problem_id}"] = reason
        for ded_id, times in (marks.get("deductions") or {}).items():
            initial[f"ded_{ded_id}"] = times
        initial["bonus_met"] = marks.get("bonus_met", False)
        return initial

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for problem, tick, reason in self.grave_rows:
            if data.get(tick) and not (data.get(reason) or "").strip():
                self.add_error(reason, f"标记严重问题“{problem.title}”时必须写明理由。")
        for item, state, points in self.item_rows:
            if data.get(state) == ItemState.SCORED and data.get(points) is None:
                self.add_error(points, f"文书项“{item.title}”选择了评分，但未填写分值。")
        return data

    def marks(self) -> dict[str, Any]:
        """The marks in the service's shape; unmarked items are left out, unticked grave
        problems are cleared."""
        data = self.cleaned_data
        items = {}
        for item, state, points in self.item_rows:
            if not data.get(state):
                continue
            value = data.get(points) if data[state] == ItemState.SCORED else None
            items[item.id] = {
                "state": data[state],
                "points": None if value is None else str(value),
            }
        grave = {
            p.id: data[reason].strip() for p, tick, reason in self.grave_rows if data.get(tick)
        }
        return {
            "items": items,
            "grave": grave,
            "clear_grave": [p.id for p, tick, _reason in self.grave_rows if not data.get(tick)],
            "deductions": {d.id: data.get(field) or 0 for d, field in self.deduction_rows},
            "bonus_met": bool(data.get("bonus_met")),
        }


class ConflictForm(forms.Form):
    reason = forms.CharField(
        label="回避理由", max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class ArbitrationForm(forms.Form):
    score = forms.DecimalField(label="裁定得分", min_value=0, max_value=100, decimal_places=2)
    reason = forms.CharField(
        label="裁定理由", max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )


class SeedForm(forms.Form):
    value = forms.CharField(label="随机种子", max_length=200)
    note = forms.CharField(label="公布方式", max_length=200, required=False)


class DrawPlanForm(forms.Form):
    seed = forms.ModelChoiceField(label="随机种子", queryset=None, empty_label=None)
    pin = forms.ModelChoiceField(label="评分细则", queryset=None, empty_label=None)

    def __init__(self, *args: Any, campaign: Any, **kwargs: Any) -> None:
        from cases.models import DrawSeed
        from cases.services import SAMPLING_PLANS
        from scoring.models import CampaignRubric

        super().__init__(*args, **kwargs)
        self.fields["seed"].queryset = DrawSeed.objects.filter(campaign=campaign).order_by("-pk")
        self.fields["pin"].queryset = CampaignRubric.objects.filter(
            campaign=campaign, rubric_key__in=list(SAMPLING_PLANS)
        )


class CaseFileForm(forms.Form):
    """Register one case file; officers are named by certificate number (several separated by
    commas or 、)."""

    case_number = forms.CharField(label="案件编号（文号）", max_length=80)
    case_type = forms.ChoiceField(label="案卷类型", choices=[])
    party_name = forms.CharField(label="当事人", max_length=200, required=False)
    decision_date = forms.DateField(
        label="决定日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    inspection_certs = forms.CharField(label="笔录检查人/调查询问人证件号", max_length=300)
    approval_certs = forms.CharField(label="立案审批表承办人证件号", max_length=300)
    presiding_certs = forms.CharField(label="主办人证件号", max_length=300, required=False)
    decision_published = forms.BooleanField(label="处罚决定已在门户网站公开", required=False)
    decision_only = forms.BooleanField(label="系统中仅录入处罚决定书", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from cases.enums import CaseType

        super().__init__(*args, **kwargs)
        self.fields["case_type"].choices = CaseType.choices

    def clean(self) -> dict[str, Any]:
        from campaigns.models import Officer
        from cases.enums import HandlerRole
        from cases.services import split_certificates

        data = super().clean()
        roles = {
            "inspection_certs": HandlerRole.INSPECTION_RECORD,
            "approval_certs": HandlerRole.FILING_APPROVAL,
            "presiding_certs": HandlerRole.PRESIDING,
        }
        wanted = {f: split_certificates(data.get(f) or "") for f in roles}
        found = {
            o.certificate_no: o
            for o in Officer.objects.filter(
                certificate_no__in={c for certs in wanted.values() for c in certs}
            )
        }
        handlers = []
        for field, certs in wanted.items():
            unknown = [c for c in certs if c not in found]
            if unknown:
                self.add_error(field, f"未登记的执法证件号：{'、'.join(unknown)}")
            handlers.extend((found[c], roles[field]) for c in certs if c in found)
        data["handlers"] = handlers
        return data


class CaseSubmissionForm(forms.Form):
    """Seed 003: per type slot of the plan, as many choices as files it asks for; each choice
    lists the unit's eligible files of that type, or "未提供" (that file then scores 0)."""

    def __init__(self, *args: Any, slots: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.slot_rows = []
        for slot in slots:
            choices = [("", "未提供（按 0 分计）")] + [
                (
                    str(case.pk),
                    f"{case.case_number}"
                    + (f" · {case.decision_date:%Y-%m-%d}" if case.decision_date else "")
                    + (f" · {case.party_name}" if case.party_name else ""),
                )
                for case in slot.eligible
            ]
            names = []
            for n in range(1, slot.count + 1):
                name = f"slot_{slot.slot}_{n}"
                label = slot.label if slot.count == 1 else f"{slot.label}（第 {n} 份）"
                self.fields[name] = forms.ChoiceField(label=label, choices=choices, required=False)
                names.append(name)
            self.slot_rows.append((slot, names))

    def rows(self) -> list[tuple[Any, list[forms.BoundField]]]:
        return [(slot, [self[name] for name in names]) for slot, names in self.slot_rows]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        picked = [data.get(name) for _slot, names in self.slot_rows for name in names]
        picked = [p for p in picked if p]
        if len(picked) != len(set(picked)):
            raise forms.ValidationError("同一份案卷只能提交一次。")
        return data

    def choices(self) -> dict[str, list[int]]:
        return {
            slot.slot: [
                int(self.cleaned_data[name]) for name in names if self.cleaned_data.get(name)
            ]
            for slot, names in self.slot_rows
        }
