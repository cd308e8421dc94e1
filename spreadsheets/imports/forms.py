"""Forms of the import page: upload (kind + file) and confirm (the stored file + the choice)."""

from __future__ import annotations

from django import forms

from spreadsheets.imports.kinds import KINDS

MAX_UPLOAD_BYTES = 50 * 1024 * 1024


class ImportUploadForm(forms.Form):
    kind = forms.ChoiceField(label="导入类型", choices=[(k, v.label) for k, v in KINDS.items()])
    file = forms.FileField(label="文件（.xlsx 或 .csv）")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".xlsx", ".xlsm", ".csv")):
            raise forms.ValidationError("只能上传 .xlsx 工作簿或 .csv 文件。")
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("文件超过 50 MB，请拆分后分批导入。")
        return upload


class ImportConfirmForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput, max_length=64)
    valid_only = forms.BooleanField(
        label="只导入有效行",
        required=False,
        help_text="勾选后跳过被拒绝的行，只保存其余行；不勾选时，有任何被拒绝的行都不会保存。",
    )
