"""Forms of the approval, notice and objection pages. They parse input; services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from publication.enums import ObjectionStatus


class SubmitForm(forms.Form):
    note = forms.CharField(
        label=_("报送说明"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class DecisionForm(forms.Form):
    APPROVE, RETURN = "approve", "return"
    decision = forms.ChoiceField(
        label=_("审定结果"),
        choices=[(APPROVE, _("审定通过")), (RETURN, _("退回修改"))],
        widget=forms.RadioSelect,
    )
    comments = forms.CharField(
        label=_("审定意见"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M")


class PublishForm(forms.Form):
    title = forms.CharField(
        label=_("公示标题"), required=False, max_length=200, help_text=_("留空则自动生成。")
    )
    starts_at = forms.DateTimeField(label=_("公示开始"), widget=DateTimeInput())
    ends_at = forms.DateTimeField(label=_("公示结束"), widget=DateTimeInput())
    how_to_object = forms.CharField(
        label=_("异议受理方式"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("如举报电话、受理部门和地址，显示在公示页面上。"),
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,.docx"})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data]
        return [super().clean(data, initial)] if data else []


class ObjectionForm(forms.Form):
    """The public form. `website` is the honeypot; the view adds a signed `token` carrying the
    time the form was served (publication.throttle)."""

    entry = forms.TypedChoiceField(label=_("被反映的候选对象"), coerce=int)
    objector_name = forms.CharField(label=_("您的姓名"), max_length=50)
    objector_phone = forms.CharField(label=_("联系电话"), max_length=30)
    objector_email = forms.EmailField(label=_("电子邮箱（选填）"), required=False)
    content = forms.CharField(
        label=_("反映的问题"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=5000,
        help_text=_("请写明时间、地点、事实和线索来源。"),
    )
    attachments = MultipleFileField(
        label=_("附件（选填）"),
        required=False,
        help_text=_("最多 3 个，每个不超过 10 MB；PDF、JPEG、PNG 或 Word（DOCX）。"),
    )
    website = forms.CharField(
        label=_("网站（请勿填写）"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args, entries=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["entry"].choices = [("", _("请选择"))] + [
            (row.entry_id, f"{row.position}. {row.name}（{row.unit}）") for row in entries
        ]


class InvestigationForm(forms.Form):
    status = forms.ChoiceField(
        label=_("处理状态"),
        choices=[
            (ObjectionStatus.INVESTIGATING, _("调查中")),
            (ObjectionStatus.UPHELD, _("经查属实（移出候选名单）")),
            (ObjectionStatus.DISMISSED, _("经查不属实")),
        ],
    )
    investigation = forms.CharField(
        label=_("调查核实情况"), widget=forms.Textarea(attrs={"rows": 4})
    )
    outcome = forms.CharField(
        label=_("处理结论"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("认定属实时作为否决理由记入评分事实。"),
    )
    veto_key = forms.ChoiceField(label=_("对应的否决项"), required=False)

    def __init__(self, *args, veto_options=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["veto_key"].choices = [("", _("（认定属实时选择）"))] + [
            (option.key, f"{option.reason}（{option.label}）") for option in veto_options
        ]
