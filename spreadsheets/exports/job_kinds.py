"""The export job kinds, found by jobs.services on first use (see its docstring)."""

from __future__ import annotations

from jobs.errors import JobError
from jobs.models import Job
from jobs.services import JobOutput, ReportProgress, register_job_kind, scratch_path
from scoring.models import Candidate
from spreadsheets.exports.files import download_name
from spreadsheets.exports.ranking import write_ranking
from spreadsheets.exports.recommendation import write_recommendation
from spreadsheets.exports.score_sheet import write_score_sheet

RANKING = "export_ranking"
SCORE_SHEET = "export_score_sheet"
RECOMMENDATION = "export_recommendation"


def _campaign(job: Job):
    if job.campaign is None:
        raise JobError("练兵活动已不存在，无法导出。")
    return job.campaign


def run_ranking(job: Job, report_progress: ReportProgress) -> JobOutput:
    campaign = _campaign(job)
    report_progress(1, "正在读取得分快照")
    path = scratch_path(job, ".xlsx")
    summary = write_ranking(campaign=campaign, target=path, progress=report_progress)
    return JobOutput(
        file=path,
        name=download_name(campaign.title, "排名表"),
        result={
            "rows": summary.rows,
            "excluded": summary.excluded,
            "sheets": summary.sheets,
            "summary": (
                f"共 {summary.rows} 个参评对象，其中否决或不符合条件 {summary.excluded} 个。"
            ),
        },
    )


def run_score_sheet(job: Job, report_progress: ReportProgress) -> JobOutput:
    candidate = (
        Candidate.objects.select_related(
            "campaign_rubric__campaign", "campaign_rubric__version", "unit", "officer", "home_unit"
        )
        .filter(pk=job.params.get("candidate_id"))
        .first()
    )
    if candidate is None:
        raise JobError("参评对象已不存在，无法导出评分表。")
    path = scratch_path(job, ".xlsx")
    lines = write_score_sheet(candidate=candidate, target=path)
    return JobOutput(
        file=path,
        name=download_name(str(candidate), "评分表"),
        result={"lines": lines, "summary": f"评分表共 {lines} 行。"},
    )


def run_recommendation(job: Job, report_progress: ReportProgress) -> JobOutput:
    campaign = _campaign(job)
    path = scratch_path(job, ".xlsx")
    listed = write_recommendation(campaign=campaign, target=path)
    return JobOutput(
        file=path,
        name=download_name(campaign.title, "推荐名单"),
        result={"listed": listed, "summary": f"推荐名单共 {listed} 人（个）。"},
    )


register_job_kind(RANKING, label="导出排名表", run=run_ranking)
register_job_kind(SCORE_SHEET, label="导出评分表", run=run_score_sheet)
register_job_kind(RECOMMENDATION, label="导出推荐名单", run=run_recommendation)
