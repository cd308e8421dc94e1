"""What each import kind reads: its Chinese columns, their types and ranges, and — for the fact
kinds — the fact key each column feeds (the mapping table).

The fact key is fixed per column, not read from the file: an admin never types a key, and a
file cannot write a fact its kind does not declare. The key must also be declared by one of the
campaign's pinned rubrics (checked row by row through `scoring.services.facts.validate_fact`),
so a kind only works in campaigns whose rubrics read those facts.

Kinds, their columns, and the fact key each column feeds ("→"):

- units: 单位代码 (natural key), 名称, 简称, 类型, 上级单位代码 (parent by code), 排序
- officers: 执法证件号 (natural key), 姓名, 所属单位代码 (unit by code), 职务, 在编在岗
- officer_monthly (per officer and month; merged into the "YYYY-MM" dict):
  执法证件号, 月份, 上传检查记录数 → monthly_uploads
- unit_monthly (per unit and month; merged): 单位代码, 月份,
  持证人员录入比例 → monthly_officer_entry_ratio, 人均上报检查记录数 → monthly_records_per_officer
- learning_officers: 执法证件号, 学习积分全省排名 → learning_points_rank,
  理论考试全省排名 → theory_exam_rank
- learning_units: 单位代码, 学习活动参与度 → learning_participation_ratio,
  学习积分占比 → learning_points_ratio, 理论考试平均分 → exam_avg_score
- competition_units: 单位代码, 比武竞赛名次 → drill_rank
- competition_officers: 执法证件号, 全省比武个人名次 → prov_drill_rank,
  所在集体比武名次 → city_drill_team_rank
- panel_scores: 单位代码, 学习活动酌情得分 → learning_activities_score,
  着装队列演练得分 → uniform_drill_score, 党建工作加分 → party_building_bonus

- case_files (master data, saved through cases.services.import_cases): 单位代码, 案件编号
  (natural key: unit + case number), 案卷类型, 决定日期, 当事人, 检查人证件号,
  立案审批承办人证件号, 主办人证件号 (certificate numbers, several separated by 、), 门户网站公开,
  仅录入决定书. A registered case is never changed by an import: the same row again is
  "unchanged", a row that differs from the registered case is rejected.

An empty fact cell means "not in this file" (the stored fact, if any, is left alone).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from campaigns.enums import UnitKind
from cases.enums import CaseType

# Column value types. "unit_code" / "certificate" are natural keys looked up in the database.
TEXT = "text"
UNIT_CODE = "unit_code"
CERTIFICATE = "certificate"
MONTH = "month"
COUNT = "count"  # whole number ≥ 0
RANK = "rank"  # whole number ≥ 1
DECIMAL = "decimal"
RATIO = "ratio"  # 0..1, "96%" accepted
BOOL = "bool"  # 是/否
CHOICE = "choice"
WHOLE = "whole"  # whole number ≥ 0 that is not a fact (sort order)
DATE = "date"  # a date cell, or text YYYY-MM-DD / YYYY/MM/DD
CERTIFICATES = "certificates"  # registered certificate numbers, several separated by 、

BOOL_WORDS = {"是": True, "否": False, "true": True, "false": False, "1": True, "0": False}


@dataclass(frozen=True, slots=True)
class Column:
    header: str
    name: str  # model attribute or internal name
    type: str
    required: bool = False
    fact_key: str = ""
    min: Decimal | None = None
    max: Decimal | None = None
    choices: tuple[tuple[str, str], ...] = ()
    example: object = ""
    max_length: int | None = None


@dataclass(frozen=True, slots=True)
class ImportKind:
    key: str
    label: str
    columns: tuple[Column, ...]
    subject: str = ""  # "unit" | "officer" for fact kinds, "" for master data
    monthly: bool = False  # rows are (subject, month); values merge into "YYYY-MM" dicts
    description: str = ""
    natural_key: tuple[str, ...] = field(default=())

    @property
    def is_fact_kind(self) -> bool:
        return bool(self.subject)

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]

    @property
    def fact_columns(self) -> list[Column]:
        return [c for c in self.columns if c.fact_key]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


def _unit_col(header: str = "单位代码", example: str = "BR-A") -> Column:
    return Column(header, "unit", UNIT_CODE, required=True, example=example, max_length=30)


def _officer_col() -> Column:
    return Column(
        "执法证件号", "officer", CERTIFICATE, required=True, example="37090001", max_length=40
    )


def _month_col() -> Column:
    return Column("月份", "month", MONTH, required=True, example="2024-03")


D = Decimal

KINDS: dict[str, ImportKind] = {
    k.key: k
    for k in [
        ImportKind(
            "units",
            "组织单位",
            (
                Column("单位代码", "code", TEXT, required=True, example="BR-C", max_length=30),
                Column("名称", "name", TEXT, required=True, example="丙分局", max_length=100),
                Column("简称", "short_name", TEXT, example="丙", max_length=30),
                Column(
                    "类型",
                    "kind",
                    CHOICE,
                    required=True,
                    choices=tuple(UnitKind.choices),
                    example="分局",
                ),
                Column("上级单位代码", "parent", TEXT, example="CITY", max_length=30),
                Column("排序", "sort_order", WHOLE, example=3),
            ),
            natural_key=("code",),
            description="按单位代码新增或更新；上级单位须已存在或在本文件中先出现。",
        ),
        ImportKind(
            "officers",
            "执法人员",
            (
                Column(
                    "执法证件号",
                    "certificate_no",
                    TEXT,
                    required=True,
                    example="37090001",
                    max_length=40,
                ),
                Column("姓名", "name", TEXT, required=True, example="张三", max_length=50),
                Column(
                    "所属单位代码", "unit", UNIT_CODE, required=True, example="BR-A", max_length=30
                ),
                Column("职务", "post", TEXT, example="执法队员", max_length=50),
                Column("在编在岗", "is_active", BOOL, example="是"),
            ),
            natural_key=("certificate_no",),
            description="按执法证件号新增或更新；无证件号的人员请在后台逐个登记。",
        ),
        ImportKind(
            "case_files",
            "案卷登记",
            (
                _unit_col(),
                Column(
                    "案件编号",
                    "case_number",
                    TEXT,
                    required=True,
                    example="泰环罚〔2024〕12号",
                    max_length=80,
                ),
                Column(
                    "案卷类型",
                    "case_type",
                    CHOICE,
                    required=True,
                    choices=tuple(CaseType.choices),
                    example="一般行政处罚",
                ),
                Column("决定日期", "decision_date", DATE, example="2024-03-15"),
                Column("当事人", "party_name", TEXT, example="某化工有限公司", max_length=200),
                Column("检查人证件号", "inspection_record", CERTIFICATES, example="37090001"),
                Column(
                    "立案审批承办人证件号",
                    "filing_approval",
                    CERTIFICATES,
                    example="37090001、37090002",
                ),
                Column("主办人证件号", "presiding", CERTIFICATES, example="37090002"),
                Column("门户网站公开", "decision_published", BOOL, example="是"),
                Column("仅录入决定书", "decision_only", BOOL, example="否"),
            ),
            natural_key=("unit", "case_number"),
            description=(
                "按单位代码与案件编号登记新案卷；已登记的案卷不会被导入修改（内容相同计为未变，"
                "不同则拒绝该行）。承办人按执法证件号填写，多人用“、”分隔。"
            ),
        ),
        ImportKind(
            "officer_monthly",
            "移动执法月度统计（个人）",
            (
                _officer_col(),
                _month_col(),
                Column(
                    "上传检查记录数",
                    "uploads",
                    COUNT,
                    required=True,
                    fact_key="monthly_uploads",
                    max=D(100000),
                    example=12,
                ),
            ),
            subject="officer",
            monthly=True,
            natural_key=("officer", "month"),
            description="每人每月一行；同一人的各月合并到事实 monthly_uploads。",
        ),
        ImportKind(
            "unit_monthly",
            "移动执法月度统计（单位）",
            (
                _unit_col(),
                _month_col(),
                Column(
                    "持证人员录入比例",
                    "entry_ratio",
                    RATIO,
                    fact_key="monthly_officer_entry_ratio",
                    min=D(0),
                    max=D(1),
                    example="96%",
                ),
                Column(
                    "人均上报检查记录数",
                    "per_capita",
                    DECIMAL,
                    fact_key="monthly_records_per_officer",
                    min=D(0),
                    max=D(10000),
                    example="3.5",
                ),
            ),
            subject="unit",
            monthly=True,
            natural_key=("unit", "month"),
            description="每单位每月一行；比例可填 0.96 或 96%。",
        ),
        ImportKind(
            "learning_officers",
            "学习平台积分与考试（个人）",
            (
                _officer_col(),
                Column(
                    "学习积分全省排名",
                    "points_rank",
                    RANK,
                    fact_key="learning_points_rank",
                    max=D(1000000),
                    example=35,
                ),
                Column(
                    "理论考试全省排名",
                    "exam_rank",
                    RANK,
                    fact_key="theory_exam_rank",
                    max=D(1000000),
                    example=120,
                ),
            ),
            subject="officer",
            natural_key=("officer",),
        ),
        ImportKind(
            "learning_units",
            "学习平台积分与考试（单位）",
            (
                _unit_col(),
                Column(
                    "学习活动参与度",
                    "participation",
                    RATIO,
                    fact_key="learning_participation_ratio",
                    min=D(0),
                    max=D(1),
                    example="98%",
                ),
                Column(
                    "学习积分占比",
                    "points_ratio",
                    RATIO,
                    fact_key="learning_points_ratio",
                    min=D(0),
                    max=D(1),
                    example="0.85",
                ),
                Column(
                    "理论考试平均分",
                    "exam_avg",
                    DECIMAL,
                    fact_key="exam_avg_score",
                    min=D(0),
                    max=D(100),
                    example="86.5",
                ),
            ),
            subject="unit",
            natural_key=("unit",),
        ),
        ImportKind(
            "competition_units",
            "比武竞赛成绩（单位）",
            (
                _unit_col(),
                Column(
                    "比武竞赛名次",
                    "drill_rank",
                    RANK,
                    required=True,
                    fact_key="drill_rank",
                    max=D(1000),
                    example=2,
                ),
            ),
            subject="unit",
            natural_key=("unit",),
        ),
        ImportKind(
            "competition_officers",
            "比武竞赛成绩（个人）",
            (
                _officer_col(),
                Column(
                    "全省比武个人名次",
                    "prov_rank",
                    RANK,
                    fact_key="prov_drill_rank",
                    max=D(100000),
                    example=8,
                ),
                Column(
                    "所在集体比武名次",
                    "team_rank",
                    RANK,
                    fact_key="city_drill_team_rank",
                    max=D(1000),
                    example=1,
                ),
            ),
            subject="officer",
            natural_key=("officer",),
        ),
        ImportKind(
            "panel_scores",
            "评审打分（单位）",
            (
                _unit_col(),
                Column(
                    "学习活动酌情得分",
                    "activities",
                    DECIMAL,
                    fact_key="learning_activities_score",
                    min=D(0),
                    max=D(100),
                    example="1.5",
                ),
                Column(
                    "着装队列演练得分",
                    "uniform",
                    DECIMAL,
                    fact_key="uniform_drill_score",
                    min=D(0),
                    max=D(100),
                    example="4",
                ),
                Column(
                    "党建工作加分",
                    "party",
                    DECIMAL,
                    fact_key="party_building_bonus",
                    min=D(0),
                    max=D(100),
                    example="0.5",
                ),
            ),
            subject="unit",
            natural_key=("unit",),
        ),
    ]
}

# Files with more data rows than this run as a background job (jobs registry).
BACKGROUND_ROWS = 2000


def get_kind(key: str) -> ImportKind:
    try:
        return KINDS[key]
    except KeyError:
        raise KeyError(f"未知的导入类型“{key}”。可选：{'、'.join(KINDS)}") from None
