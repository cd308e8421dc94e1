"""Pages of the scoring app, one module per resource (STYLE.md #6): the ranking of a pinned
rubric (rankings.py) and a candidate's score sheet with the what-if panel (candidates.py).

Every view fetches its objects through `scoring.access`, reads through `scoring.selectors`,
and renders. None of them writes: scores change only through facts and the evaluation.
"""
