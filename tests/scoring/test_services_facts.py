"""record_fact & co.: validation against the pinned rubrics, provenance, history, re-evaluation."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from campaigns.enums import CampaignStatus
from scoring.enums import FactSource
from scoring.models import Fact, PendingChange, ScoreSnapshot
from scoring.services import (
    FactEntry,
    load_rubric_version,
    pin_rubric,
    record_fact,
    record_facts,
    retract_fact,
    sync_collective_candidates,
)
from tests.factories import CampaignFactory, OfficerFactory, OrgUnitFactory
from tests.scoring.conftest import INDIVIDUAL, edited

pytestmark = pytest.mark.django_db

IMPORT = FactSource.IMPORT


def _fact_changes():
    """Pending changes left by facts (pinning a rubric leaves a "full" one of its own)."""
    return PendingChange.objects.exclude(full=True)


def _messages(excinfo) -> str:
    return " ".join(excinfo.value.messages)


def test_record_fact_stores_value_with_provenance(campaign, collective_pin, own_unit, reviewer):
    fact = record_fact(
        campaign=campaign,
        subject=own_unit,
        key="equip_ratio",
        value=0.96,  # a float arrives as its shortest repr, never as binary noise
        source=FactSource.SELF_ASSESSMENT_REVIEW,
        source_ref="自评申报 #12",
        actor=reviewer,
    )
    fact.refresh_from_db()
    assert (fact.unit, fact.officer, fact.key, fact.value) == (
        own_unit,
        None,
        "equip_ratio",
        "0.96",
    )
    assert (fact.source, fact.source_ref, fact.recorded_by) == (
        "self_review",
        "自评申报 #12",
        reviewer,
    )
    assert fact.history.get().history_user == reviewer
    assert list(_fact_changes().values_list("unit", "key")) == [(own_unit.pk, "equip_ratio")]


@pytest.mark.parametrize(
    ("key", "value", "stored"),
    [
        ("cases", 3, 3),
        ("cases", "4", 4),
        ("integrity_violation", True, True),
        ("cases_log", [{"score": "88.5", "note": "x"}], [{"score": "88.5", "note": "x"}]),
        ("cases_log", [{"score": 90}], [{"score": 90, "note": ""}]),  # declared fields filled
    ],
)
def test_record_fact_normalises_values(campaign, collective_pin, own_unit, key, value, stored):
    fact = record_fact(campaign=campaign, subject=own_unit, key=key, value=value, source=IMPORT)
    fact.refresh_from_db()
    assert fact.value == stored


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("equip_ratio", "九成", "取值无效"),
        ("cases", -1, "应为非负整数"),
        ("cases", 2.5, "应为非负整数"),
        ("integrity_violation", "是", "应为布尔值"),
        ("cases", True, "布尔值"),
        ("cases_log", [{"scor": 1}], "未声明的字段 scor"),
        ("budget", 1, "事实“budget”未在本活动启用的集体评分细则中声明"),
        ("story", 5, "未在本活动启用的集体评分细则中声明"),  # an individual key, for a unit
    ],
)
def test_record_fact_refuses_bad_keys_and_values(
    campaign, collective_pin, individual_pin, own_unit, key, value, message
):
    with pytest.raises(ValidationError) as excinfo:
        record_fact(campaign=campaign, subject=own_unit, key=key, value=value, source=IMPORT)
    assert message in _messages(excinfo)
    assert not Fact.objects.exists() and not _fact_changes().exists()


def test_record_fact_subject_kinds(campaign, collective_pin, individual_pin, own_unit):
    officer = OfficerFactory(unit=own_unit)
    record_fact(campaign=campaign, subject=officer, key="story", value="5.5", source=IMPORT)
    record_fact(campaign=campaign, subject=None, key="province_avg", value=12, source=IMPORT)
    with pytest.raises(ValidationError) as excinfo:
        record_fact(campaign=campaign, subject=officer, key="cases", value=1, source=IMPORT)
    assert "个人评分细则" in _messages(excinfo)
    assert set(Fact.objects.values_list("officer", "unit", "key")) == {
        (officer.pk, None, "story"),
        (None, None, "province_avg"),
    }


def test_record_fact_refuses_derived_facts(campaign, campaign_admin, own_unit):
    text = edited(
        INDIVIDUAL,
        "indicators:\n",
        'derived:\n  doubled: {expr: "weighted_cases * 2", label: 加倍}\nindicators:\n',
    )
    version = load_rubric_version(path_or_text=text)
    pin_rubric(campaign=campaign, version=version, actor=campaign_admin)
    with pytest.raises(ValidationError) as excinfo:
        record_fact(
            campaign=campaign, subject=OfficerFactory(), key="doubled", value=1, source=IMPORT
        )
    assert "派生事实" in _messages(excinfo)


def test_record_fact_again_changes_value_and_keeps_history(
    campaign, collective_pin, own_unit, reviewer, campaign_admin
):
    record_fact(
        campaign=campaign, subject=own_unit, key="cases", value=3, source=IMPORT, actor=reviewer
    )
    fact = record_fact(
        campaign=campaign,
        subject=own_unit,
        key="cases",
        value=5,
        source=FactSource.CASE_REVIEW,
        source_ref="评查 2024-07",
        actor=campaign_admin,
    )
    assert Fact.objects.count() == 1
    history = list(
        fact.history.order_by("history_date").values_list("value", "source", "history_user")
    )
    assert history == [(3, "import", reviewer.pk), (5, "case_review", campaign_admin.pk)]
    assert _fact_changes().count() == 2


def test_record_same_fact_again_is_a_no_op(campaign, collective_pin, own_unit):
    record_fact(campaign=campaign, subject=own_unit, key="cases", value=3, source=IMPORT)
    fact = record_fact(campaign=campaign, subject=own_unit, key="cases", value="3", source=IMPORT)
    assert fact.history.count() == 1
    assert _fact_changes().count() == 1


def test_record_fact_queues_one_evaluation_on_commit(
    campaign, collective_pin, own_unit, django_capture_on_commit_callbacks
):
    sync_collective_candidates(campaign_rubric=collective_pin)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        record_fact(campaign=campaign, subject=own_unit, key="cases", value=4, source=IMPORT)
    assert len(callbacks) == 1
    # Celery is eager in tests: the task ran on commit and consumed the pending changes.
    assert not PendingChange.objects.exists()
    snapshot = ScoreSnapshot.objects.get(candidate__unit=own_unit, is_current=True)
    assert snapshot.breakdown["cases_pts"][0] == "2"  # 4 × 0.5


def test_branch_staff_cannot_record_facts(campaign, collective_pin, own_unit, own_staff):
    with pytest.raises(PermissionDenied):
        record_fact(
            campaign=campaign,
            subject=own_unit,
            key="cases",
            value=1,
            source=IMPORT,
            actor=own_staff,
        )


def test_closed_campaign_refuses_facts(campaign, collective_pin, own_unit):
    campaign.status = CampaignStatus.CLOSED
    campaign.save(update_fields=["status"])
    with pytest.raises(ValidationError) as excinfo:
        record_fact(campaign=campaign, subject=own_unit, key="cases", value=1, source=IMPORT)
    assert "活动已结束" in _messages(excinfo)


def test_unknown_source_is_refused(campaign, collective_pin, own_unit):
    with pytest.raises(ValidationError) as excinfo:
        record_fact(campaign=campaign, subject=own_unit, key="cases", value=1, source="rumour")
    assert "未知的事实来源" in _messages(excinfo)


def test_record_facts_is_all_or_nothing(campaign, collective_pin, own_unit, other_unit):
    entries = [
        FactEntry(own_unit, "cases", 3, "导入表 第 2 行"),
        FactEntry(other_unit, "equip_ratio", "abc", "导入表 第 3 行"),
    ]
    with pytest.raises(ValidationError) as excinfo:
        record_facts(campaign=campaign, entries=entries, source=IMPORT)
    assert "第 2 条（equip_ratio）" in _messages(excinfo)
    assert not Fact.objects.exists()
    entries[1] = FactEntry(other_unit, "equip_ratio", "0.9", "导入表 第 3 行")
    assert record_facts(campaign=campaign, entries=entries, source=IMPORT) == 2
    assert dict(Fact.objects.values_list("source_ref", "value")) == {
        "导入表 第 2 行": 3,
        "导入表 第 3 行": "0.9",
    }


def test_retract_fact_keeps_history(campaign, collective_pin, own_unit, campaign_admin):
    fact = record_fact(campaign=campaign, subject=own_unit, key="cases", value=3, source=IMPORT)
    PendingChange.objects.all().delete()
    retract_fact(fact=fact, actor=campaign_admin, reason="重复录入")
    assert not Fact.objects.exists()
    deleted = Fact.history.get(history_type="-")
    assert (deleted.value, deleted.history_user, deleted.history_change_reason) == (
        3,
        campaign_admin,
        "重复录入",
    )
    assert PendingChange.objects.filter(unit=own_unit, key="cases").exists()


# --- the set-based record_facts gives what record_fact gives, entry by entry -----------------


def _steps(own_unit, other_unit, officer, reviewer):
    first = [
        FactEntry(own_unit, "cases", 3, "表一 第2行"),
        FactEntry(other_unit, "equip_ratio", 0.9, "表一 第3行"),
        FactEntry(officer, "records", 10, "表一 第4行"),
        FactEntry(None, "province_avg", "5.5", "省厅通报"),
    ]
    second = [
        FactEntry(own_unit, "cases", "3", "表一 第2行"),  # unchanged
        FactEntry(other_unit, "equip_ratio", "0.95", "表二 第3行"),  # changed
        FactEntry(own_unit, "publicity", 2, "表二 第4行"),  # new ...
        FactEntry(own_unit, "publicity", 3, "表二 第5行"),  # ... and changed again in the batch
        FactEntry(own_unit, "cases", 3, "表二 第6行"),  # only the provenance differs
        FactEntry(officer, "records", 10, "表一 第4行"),  # unchanged
        FactEntry(None, "province_avg", 6, "省厅通报（更正）"),  # campaign-wide, changed
    ]
    return [(first, None), (second, reviewer)]


def _state(campaign):
    facts = sorted(
        Fact.objects.filter(campaign=campaign).values_list(
            "unit", "officer", "key", "value", "source", "source_ref", "recorded_by"
        ),
        key=repr,
    )
    history = list(
        Fact.history.filter(campaign=campaign)
        .order_by("history_id")
        .values_list(
            "unit",
            "officer",
            "key",
            "value",
            "source",
            "source_ref",
            "recorded_by",
            "history_type",
            "history_user",
            "history_change_reason",
        )
    )
    changes = sorted(
        _fact_changes().filter(campaign=campaign).values_list("unit", "officer", "key"), key=repr
    )
    return facts, history, changes


def test_record_facts_matches_record_fact_entry_by_entry(
    campaign,
    collective_pin,
    individual_pin,
    collective_version,
    individual_version,
    own_unit,
    other_unit,
    reviewer,
    campaign_admin,
):
    twin = CampaignFactory(issuing_unit=campaign.issuing_unit, title="对照活动")
    pin_rubric(campaign=twin, version=collective_version, actor=campaign_admin)
    pin_rubric(campaign=twin, version=individual_version, actor=campaign_admin)
    officer = OfficerFactory(unit=own_unit)
    counts = []
    for entries, actor in _steps(own_unit, other_unit, officer, reviewer):
        counts.append(record_facts(campaign=campaign, entries=entries, source=IMPORT, actor=actor))
        for entry in entries:
            record_fact(
                campaign=twin,
                subject=entry.subject,
                key=entry.key,
                value=entry.value,
                source=IMPORT,
                source_ref=entry.source_ref,
                actor=actor,
            )

    bulk, single = _state(campaign), _state(twin)
    assert bulk == single
    facts, history, changes = bulk
    assert counts == [4, 5]
    assert len(history) == 9 and len(changes) == 9
    assert (own_unit.pk, None, "publicity", 3, "import", "表二 第5行", reviewer.pk) in facts
    assert [h[7] for h in history if h[2] == "publicity"] == ["+", "~"]


def test_record_facts_again_writes_nothing(campaign, collective_pin, own_unit, other_unit):
    entries = [FactEntry(own_unit, "cases", 3, "表 第2行"), FactEntry(other_unit, "cases", 4)]
    assert record_facts(campaign=campaign, entries=entries, source=IMPORT) == 2
    before = _state(campaign)
    assert record_facts(campaign=campaign, entries=entries, source=IMPORT) == 0
    assert _state(campaign) == before


def test_record_facts_is_set_based(
    campaign, collective_pin, city, campaign_admin, django_assert_max_num_queries
):
    units = [OrgUnitFactory(parent=city) for _ in range(60)]
    entries = [FactEntry(unit, "cases", index) for index, unit in enumerate(units)]
    entries += [FactEntry(unit, "publicity", 1) for unit in units]
    # A handful of queries for 120 facts (rubric pins, the locked read, the inserts, history,
    # pending changes), not five per fact.
    with django_assert_max_num_queries(15):
        assert record_facts(campaign=campaign, entries=entries, source=IMPORT) == 120
    entries = [FactEntry(unit, "cases", index + 1) for index, unit in enumerate(units)]
    with django_assert_max_num_queries(15):
        assert record_facts(campaign=campaign, entries=entries, source=IMPORT) == 60
    assert Fact.objects.filter(key="cases", value=60).count() == 1
    assert Fact.history.filter(history_type="~").count() == 60


def test_record_facts_falls_back_when_a_fact_was_inserted_meanwhile(
    campaign, collective_pin, own_unit, other_unit, monkeypatch
):
    from scoring.services import facts as facts_module

    record_fact(campaign=campaign, subject=own_unit, key="cases", value=1, source=IMPORT)
    real = facts_module._locked_facts
    calls = []

    def blind_first(campaign, batch):  # as if another transaction inserted it after our read
        calls.append(1)
        return {} if len(calls) == 1 else real(campaign, batch)

    monkeypatch.setattr(facts_module, "_locked_facts", blind_first)
    entries = [FactEntry(own_unit, "cases", 2, "表 第2行"), FactEntry(other_unit, "cases", 5)]
    assert record_facts(campaign=campaign, entries=entries, source=IMPORT) == 2
    assert dict(Fact.objects.values_list("unit", "value")) == {own_unit.pk: 2, other_unit.pk: 5}
    assert Fact.history.filter(unit=own_unit).count() == 2
