"""Job kinds of the imports, found by `jobs.services` (autodiscovered "imports.job_kinds")."""

from jobs.services import register_job_kind
from spreadsheets.imports.jobs import JOB_KIND, PREVIEW_KIND, run_import_job, run_preview_job

register_job_kind(PREVIEW_KIND, label="表格导入预览", run=run_preview_job)
register_job_kind(JOB_KIND, label="表格导入", run=run_import_job)
