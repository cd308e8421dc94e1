"""Choices of the competitions app (实战比武 / 技能比武)."""

from django.db import models


class CompetitionMode(models.TextChoices):
    """Who the judges score. Seed 000 scores county teams ("确定参赛队伍比武成绩"); seed 001
    scores each drawn or recommended officer (法律法规、案卷评查和案例分析)."""

    TEAM = "team", "按队评分"
    INDIVIDUAL = "individual", "按个人评分"


class CompetitionLevel(models.TextChoices):
    """Which rank facts the results feed. A city competition gives the county its place
    (drill_rank) and each team member the team's place (city_drill_team_rank); a provincial
    competition entered here gives each officer the individual place (prov_drill_rank)."""

    CITY = "city", "市级比武"
    PROVINCE = "province", "省级比武"


class ContestantSource(models.TextChoices):
    DRAWN = "drawn", "随机抽选"
    NOMINATED = "nominated", "单位推荐"
    RANKING = "ranking", "内部排名前列"


class DrawKind(models.TextChoices):
    CONTESTANTS = "contestants", "抽选参赛人员"
    TARGETS = "targets", "抽取检查对象"
