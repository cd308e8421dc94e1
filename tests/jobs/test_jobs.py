"""Background jobs: start on commit, progress, the finished file, failures, reruns, access;
and the export panel that starts them."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from jobs import services
from jobs.errors import JobError
from jobs.models import Job, JobStatus
from jobs.services import JobOutput, register_job_kind, run_job, scratch_path, start_job
from jobs.tasks import task_run_job
from tests.factories import UserFactory
from tests.spreadsheets.exports_data import build_scored_campaign

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _exports_root(settings, tmp_path):
    settings.EXPORTS_ROOT = tmp_path / "exports"


@pytest.fixture
def test_kinds():
    """Kinds that write a small file while reporting progress, fail, or crash."""
    seen: list[int] = []

    def write(job, report_progress):
        for percent in (10, 50, 90):
            report_progress(percent, f"已完成 {percent}%")
            seen.append(Job.objects.get(pk=job.pk).progress)
        path = scratch_path(job, ".txt")
        path.write_text(f"job {job.pk} {job.params.get('n', 0)}")
        return JobOutput(file=path, name="结果.txt", result={"n": job.params.get("n", 0)})

    def refuse(job, report_progress):
        scratch_path(job, ".txt").write_text("half")
        raise JobError("参评对象已不存在，无法导出。")

    def crash(job, report_progress):
        raise RuntimeError("boom")

    def dict_result(job, report_progress):
        return {"created": 3}

    register_job_kind("test_write", label="测试写文件", run=write)
    register_job_kind("test_refuse", label="测试拒绝", run=refuse)
    register_job_kind("test_crash", label="测试崩溃", run=crash)
    register_job_kind("test_dict", label="测试结果", run=dict_result)
    yield seen
    for name in ("test_write", "test_refuse", "test_crash", "test_dict"):
        services._REGISTRY.pop(name, None)


def _start(kind, campaign, actor, django_capture_on_commit_callbacks, **params):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        job = start_job(kind=kind, campaign=campaign, params=params, actor=actor)
        assert Job.objects.get(pk=job.pk).status == JobStatus.QUEUED  # not before commit
    assert len(callbacks) == 1
    job.refresh_from_db()
    return job


# --- service -------------------------------------------------------------------------------------


def test_start_job_runs_on_commit_and_keeps_the_file(
    test_kinds, campaign, campaign_admin, django_capture_on_commit_callbacks
):
    job = _start("test_write", campaign, campaign_admin, django_capture_on_commit_callbacks, n=7)
    assert job.status == JobStatus.DONE
    assert (job.progress, job.message, job.result) == (100, "已完成", {"n": 7})
    assert test_kinds == [10, 50, 90]  # progress written while it ran
    path = services.output_path(job)
    assert path.read_text() == f"job {job.pk} 7"
    assert path.name == "result.txt"
    assert job.output_name == "结果.txt"
    assert not list(path.parent.glob("*.partial"))
    assert job.started_at <= job.finished_at


def test_unknown_kind_is_refused(campaign, campaign_admin):
    with pytest.raises(JobError, match="未知的任务类型"):
        start_job(kind="nope", campaign=campaign, params={}, actor=campaign_admin)
    assert not Job.objects.exists()


def test_finished_job_is_not_run_again(
    test_kinds, campaign, campaign_admin, django_capture_on_commit_callbacks
):
    job = _start("test_write", campaign, campaign_admin, django_capture_on_commit_callbacks)
    finished, file = job.finished_at, services.output_path(job)
    assert task_run_job(job_id=job.pk) == JobStatus.DONE
    job.refresh_from_db()
    assert job.finished_at == finished
    assert test_kinds == [10, 50, 90]  # not run a second time
    assert sorted(p.name for p in file.parent.iterdir()) == ["result.txt"]


def test_job_left_running_by_a_killed_worker_runs_again_into_one_file(
    test_kinds, campaign, campaign_admin
):
    job = Job.objects.create(kind="test_write", campaign=campaign, created_by=campaign_admin)
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, progress=40)
    scratch_path(job, ".txt").write_text("half-written by the killed worker")
    run_job(job=job)
    assert job.status == JobStatus.DONE
    files = sorted(p.name for p in services.job_dir(job).iterdir())
    assert files == ["result.txt"]
    assert services.output_path(job).read_text() == f"job {job.pk} 0"


def test_job_error_shows_its_reason_and_leaves_no_file(
    test_kinds, campaign, campaign_admin, django_capture_on_commit_callbacks
):
    job = _start("test_refuse", campaign, campaign_admin, django_capture_on_commit_callbacks)
    assert job.status == JobStatus.FAILED
    assert job.message == "参评对象已不存在，无法导出。"
    assert services.output_path(job) is None
    assert list(services.job_dir(job).iterdir()) == []


def test_unexpected_error_shows_a_generic_chinese_message(
    test_kinds, campaign, campaign_admin, django_capture_on_commit_callbacks, caplog
):
    job = _start("test_crash", campaign, campaign_admin, django_capture_on_commit_callbacks)
    assert job.status == JobStatus.FAILED
    assert job.message == services.GENERIC_FAILURE
    assert "boom" in caplog.text  # the details go to the log, not to the page


def test_kind_may_return_a_result_dict(
    test_kinds, campaign, campaign_admin, django_capture_on_commit_callbacks
):
    job = _start("test_dict", campaign, campaign_admin, django_capture_on_commit_callbacks)
    assert (job.status, job.result, job.output_file) == (JobStatus.DONE, {"created": 3}, "")


def test_task_returns_quietly_when_the_job_is_gone():
    assert task_run_job(job_id=987654) is None


def test_purge_removes_expired_files(
    test_kinds, campaign, campaign_admin, django_capture_on_commit_callbacks
):
    job = _start("test_write", campaign, campaign_admin, django_capture_on_commit_callbacks)
    assert services.purge_expired_files() == 0
    later = timezone.now() + services.retention() + timedelta(minutes=1)
    assert services.purge_expired_files(now=later) == 1
    job.refresh_from_db()
    assert job.output_file == ""
    assert not (services.exports_root() / "jobs" / str(job.pk)).exists()


# --- pages ---------------------------------------------------------------------------------------


def test_progress_page_status_and_download(
    test_kinds, campaign, campaign_admin, client_for, django_capture_on_commit_callbacks
):
    job = _start("test_write", campaign, campaign_admin, django_capture_on_commit_callbacks)
    client = client_for(campaign_admin)
    page = client.get(reverse("jobs:detail", args=[job.pk]))
    body = page.content.decode()
    assert '<progress id="job-progress" max="100" value="100">' in body
    assert reverse("jobs:download", args=[job.pk]) in body
    assert "js/jobs-progress.js" in body
    assert "<script>" not in body  # no inline script
    state = client.get(reverse("jobs:status", args=[job.pk])).json()
    assert state == {
        "id": job.pk,
        "status": "done",
        "status_label": "已完成",
        "progress": 100,
        "message": "已完成",
        "finished": True,
        "download_url": f"/jobs/{job.pk}/download/",
    }
    response = client.get(reverse("jobs:download", args=[job.pk]))
    # Reading the whole body lets the test client close the file (as a WSGI server would).
    assert b"".join(response.streaming_content) == f"job {job.pk} 0".encode()
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''%E7%BB%93%E6%9E%9C.txt" in response["Content-Disposition"]


def test_progress_page_of_a_queued_job_polls(campaign, campaign_admin, client_for):
    job = Job.objects.create(kind="export_ranking", campaign=campaign, created_by=campaign_admin)
    client = client_for(campaign_admin)
    body = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert 'data-finished="0"' in body
    assert f'data-status-url="/jobs/{job.pk}/status.json"' in body
    state = client.get(reverse("jobs:status", args=[job.pk])).json()
    assert (state["status"], state["finished"], state["download_url"]) == ("queued", False, None)
    assert client.get(reverse("jobs:download", args=[job.pk])).status_code == 404


def test_failed_job_page_shows_the_reason(
    test_kinds, campaign, campaign_admin, client_for, django_capture_on_commit_callbacks
):
    job = _start("test_refuse", campaign, campaign_admin, django_capture_on_commit_callbacks)
    body = client_for(campaign_admin).get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "任务失败：参评对象已不存在，无法导出。" in body
    assert reverse("jobs:download", args=[job.pk]) not in body


@pytest.mark.parametrize("persona", ["own_staff", "other_staff", "reviewer", "leader"])
def test_others_cannot_see_a_job(
    persona, request, test_kinds, campaign, campaign_admin, client_for,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    job = _start("test_write", campaign, campaign_admin, django_capture_on_commit_callbacks)
    client = client_for(request.getfixturevalue(persona))
    for name in ("detail", "status", "download"):
        assert client.get(reverse(f"jobs:{name}", args=[job.pk])).status_code == 404


def test_creator_and_any_campaign_admin_see_a_job(
    test_kinds, campaign, leader, campaign_admin, client_for, django_capture_on_commit_callbacks
):
    job = _start("test_write", campaign, leader, django_capture_on_commit_callbacks)
    other_admin = UserFactory(username="admin2", role="campaign_admin")
    for user in (leader, campaign_admin, other_admin):
        client = client_for(user)
        assert client.get(reverse("jobs:status", args=[job.pk])).json()["status"] == "done"
        response = client.get(reverse("jobs:download", args=[job.pk]))
        assert b"".join(response.streaming_content) == f"job {job.pk} 0".encode()


def test_anonymous_is_sent_to_login(campaign, campaign_admin, client):
    job = Job.objects.create(kind="export_ranking", campaign=campaign, created_by=campaign_admin)
    response = client.get(reverse("jobs:status", args=[job.pk]))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


# --- export panel → job → file -------------------------------------------------------------------


def test_admin_exports_the_ranking_through_a_job(
    campaign, campaign_admin, client_for, django_capture_on_commit_callbacks
):
    build_scored_campaign(campaign, campaign_admin)
    client = client_for(campaign_admin)
    url = reverse("spreadsheets:exports", args=[campaign.pk])
    assert url == f"/spreadsheets/campaign/{campaign.pk}/exports/"
    page = client.get(url).content.decode()
    assert "导出排名表" in page and "导出评分表" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"export": "ranking"})
    job = Job.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/jobs/{job.pk}/"
    assert (job.kind, job.status, job.created_by, job.campaign) == (
        "export_ranking", "done", campaign_admin, campaign,
    )  # fmt: skip
    assert job.result["rows"] == 5
    assert (
        "共 5 个参评对象，其中否决或不符合条件 2 个。"
        in client.get(f"/jobs/{job.pk}/").content.decode()
    )
    assert job.output_name == f"{campaign.title}-排名表.xlsx"
    data = b"".join(client.get(reverse("jobs:download", args=[job.pk])).streaming_content)
    ws = load_workbook(io.BytesIO(data))["测试集体评选细则"]
    assert ws["A5"].value == "甲分局"
    assert ws["J5"].value == 8.5
    assert "我最近的导出" in client.get(url).content.decode()


def test_admin_exports_a_score_sheet_of_a_candidate(
    campaign, campaign_admin, client_for, django_capture_on_commit_callbacks
):
    pin = build_scored_campaign(campaign, campaign_admin)[0]
    candidate = pin.candidates.get(unit__name="乙分局")
    client = client_for(campaign_admin)
    url = reverse("spreadsheets:exports", args=[campaign.pk])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"export": "score_sheet", "candidate": candidate.pk})
    job = Job.objects.get()
    assert (job.status, job.params) == ("done", {"candidate_id": candidate.pk})
    assert load_workbook(services.output_path(job))["评分表"]["A5"].value == "equip"


def test_score_sheet_of_another_campaigns_candidate_is_refused(
    campaign, campaign_admin, client_for
):
    response = client_for(campaign_admin).post(
        reverse("spreadsheets:exports", args=[campaign.pk]),
        {"export": "score_sheet", "candidate": 424242},
    )
    assert response.status_code == 400
    assert "请填写本活动参评对象的编号" in response.content.decode()
    assert not Job.objects.exists()


def test_leader_may_export_only_the_recommendation_list(
    campaign, campaign_admin, leader, client_for, django_capture_on_commit_callbacks
):
    build_scored_campaign(campaign, campaign_admin)
    client = client_for(leader)
    url = reverse("spreadsheets:exports", args=[campaign.pk])
    page = client.get(url).content.decode()
    assert "导出推荐名单" in page
    assert "导出排名表" not in page
    assert client.post(url, {"export": "ranking"}).status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"export": "recommendation"})
    job = Job.objects.get()
    assert (job.kind, job.status, job.created_by) == ("export_recommendation", "done", leader)
    ws = load_workbook(services.output_path(job))["测试集体评选细则推荐名单"]
    assert ws["C4"].value == "甲分局"


def test_branch_staff_get_404_and_reviewers_403_on_the_panel(
    campaign, own_staff, reviewer, client_for
):
    url = reverse("spreadsheets:exports", args=[campaign.pk])
    assert client_for(own_staff).get(url).status_code == 404
    assert client_for(own_staff).post(url, {"export": "recommendation"}).status_code == 404
    assert client_for(reviewer).get(url).status_code == 403
    assert not Job.objects.exists()


def test_failed_export_shows_a_chinese_reason(
    campaign, campaign_admin, client_for, django_capture_on_commit_callbacks
):
    client = client_for(campaign_admin)  # no rubric pinned: no recommendation list
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("spreadsheets:exports", args=[campaign.pk]), {"export": "recommendation"}
        )
    job = Job.objects.get()
    assert (job.status, job.message) == ("failed", "本活动尚未启用评分细则，没有推荐名单。")
    state = client.get(reverse("jobs:status", args=[job.pk])).json()
    assert (state["status_label"], state["finished"]) == ("失败", True)
