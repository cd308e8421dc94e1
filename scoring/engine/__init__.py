"""The pure scoring engine: rubric files in, explained and ranked scores out. No Django here.

See SCHEMA.md in this directory for the contract with the rubric files.
"""

from .check import RubricWarning, check_rubric
from .display import fmt_points
from .errors import Problem, RubricError
from .evaluation import evaluate
from .model import Cite, Rubric
from .parse import load_rubric, parse_rubric
from .results import CandidateResult, NodeResult, PoolResult

__all__ = [
    "CandidateResult",
    "Cite",
    "NodeResult",
    "PoolResult",
    "Problem",
    "Rubric",
    "RubricError",
    "RubricWarning",
    "check_rubric",
    "evaluate",
    "fmt_points",
    "load_rubric",
    "parse_rubric",
]
