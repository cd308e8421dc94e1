"""Services of the scoring app: every write goes through a function here (STYLE.md #1).

rubrics     load_rubric_version, pin_rubric
candidates  register_candidate, withdraw_candidate, sync_collective_candidates
facts       record_fact, record_facts, retract_fact
evaluation  evaluate_campaign, evaluate_pending_changes, expand_breakdown
shortlists  build_shortlist, set_shortlist_rules, clean_shortlist_rules

Read helpers for pages live beside them: ScoreSnapshot.objects.ranking() / with_node_points(),
evaluation.expand_breakdown(), evaluation.load_facts(), facts.facts_of(), rubrics.rubric_of().
"""

from scoring.services.candidates import (
    register_candidate,
    sync_collective_candidates,
    withdraw_candidate,
)
from scoring.services.evaluation import (
    evaluate_campaign,
    evaluate_pending_changes,
    expand_breakdown,
)
from scoring.services.facts import FactEntry, record_fact, record_facts, retract_fact
from scoring.services.rubrics import load_rubric_version, pin_rubric
from scoring.services.shortlists import (
    Shortlist,
    ShortlistEntry,
    build_shortlist,
    clean_shortlist_rules,
    set_shortlist_rules,
)

__all__ = [
    "FactEntry",
    "Shortlist",
    "ShortlistEntry",
    "build_shortlist",
    "clean_shortlist_rules",
    "evaluate_campaign",
    "evaluate_pending_changes",
    "expand_breakdown",
    "load_rubric_version",
    "pin_rubric",
    "record_fact",
    "record_facts",
    "register_candidate",
    "retract_fact",
    "set_shortlist_rules",
    "sync_collective_candidates",
    "withdraw_candidate",
]
