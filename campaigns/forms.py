"""Forms of the campaign pages. They validate input only; the services do the writing."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class OfficerForm(forms.Form):
    """Add or edit an officer of a unit (labels are translated; the model's are Chinese only)."""

    name = forms.CharField(label=_("姓名"), max_length=50)
    certificate_no = forms.CharField(
        label=_("执法证件号"),
        max_length=40,
        required=False,
        help_text=_("行政执法证件号；无证件时留空。"),
    )
    post = forms.CharField(label=_("职务"), max_length=50, required=False)
    is_active = forms.BooleanField(label=_("在编在岗"), required=False, initial=True)

    def __init__(self, *args, include_is_active: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        # A new officer is on post by definition; the flag only matters when editing.
        if not include_is_active:
            del self.fields["is_active"]
