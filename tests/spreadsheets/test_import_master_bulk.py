"""Units and officers import in bulk (a few queries per file, not a few per row), with the
same results as row by row: new trees level by level, loops refused, re-import a no-op."""

from __future__ import annotations

import pytest

from campaigns.models import Officer, OrgUnit
from tests.spreadsheets.test_imports import counts, run, xlsx

pytestmark = pytest.mark.django_db


def test_units_import_builds_a_new_tree_in_a_few_queries(
    tmp_path, city, django_assert_max_num_queries
):
    rows = []
    for i in range(40):
        rows.append((f"BR{i:02d}", f"第{i}分局", "", "分局", "CITY", i))
        rows.append((f"T{i:02d}", f"第{i}中队", "", "执法大队/中队", f"BR{i:02d}", ""))
        rows.append((f"G{i:02d}", f"第{i}小组", "", "执法大队/中队", f"T{i:02d}", ""))
    path = xlsx(tmp_path, "units", rows)
    with django_assert_max_num_queries(20):
        report = run("units", path, dry_run=False)
    assert report.saved and counts(report) == (120, 0, 0, 0)
    group = OrgUnit.objects.select_related("parent__parent").get(code="G07")
    assert (group.parent.code, group.parent.parent.code, group.parent.parent.parent) == (
        "T07",
        "BR07",
        city,
    )
    assert OrgUnit.objects.get(code="BR07").sort_order == 7
    with django_assert_max_num_queries(10):
        assert counts(run("units", path, dry_run=False)) == (0, 0, 120, 0)


def test_unit_moved_under_its_own_child_is_refused(tmp_path, city, own_unit):
    rows = [("CITY", "测试市生态环境局", "", "市局", "BR-A", "")]
    report = run("units", xlsx(tmp_path, "units", rows), dry_run=False)
    assert [(r.row, r.column, r.message) for r in report.rejections] == [
        (2, "上级单位代码", "设置该上级单位后，单位层级将形成循环")
    ]
    assert OrgUnit.objects.get(code="CITY").parent is None


def test_valid_only_skips_the_children_of_a_rejected_unit(tmp_path, city):
    rows = [
        ("BR-X", "", "", "分局", "CITY", ""),  # no name: rejected
        ("T-X", "X中队", "", "执法大队/中队", "BR-X", ""),
        ("BR-Y", "Y分局", "", "分局", "CITY", ""),
    ]
    report = run("units", xlsx(tmp_path, "units", rows), dry_run=False, valid_only=True)
    assert [(r.row, r.column) for r in report.rejections] == [(2, "名称"), (3, "上级单位代码")]
    assert report.saved
    assert set(OrgUnit.objects.values_list("code", flat=True)) == {"CITY", "BR-Y"}


def test_officers_import_in_a_few_queries(
    tmp_path, own_unit, other_unit, campaign_admin, django_assert_max_num_queries
):
    rows = [(f"P{i:04d}", f"执法员{i}", "BR-A" if i % 2 else "BR-B", "", "") for i in range(300)]
    path = xlsx(tmp_path, "officers", rows)
    with django_assert_max_num_queries(20):
        report = run("officers", path, actor=campaign_admin, dry_run=False)
    assert report.saved and counts(report) == (300, 0, 0, 0)
    assert Officer.objects.filter(unit=own_unit, is_active=True).count() == 150
    rows[5] = ("P0005", "执法员五", "BR-A", "中队长", "否")
    with django_assert_max_num_queries(20):
        again = run("officers", xlsx(tmp_path, "officers", rows, name="b.xlsx"), dry_run=False)
    assert counts(again) == (0, 1, 299, 0)
    moved = Officer.objects.get(certificate_no="P0005")
    assert (moved.name, moved.unit, moved.post, moved.is_active) == (
        "执法员五",
        own_unit,
        "中队长",
        False,
    )
