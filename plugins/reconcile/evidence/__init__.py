"""Evidence for and against two records being the same: name parsing, blocking keys and match weights.

- ``names``: company and person names parsed into comparable parts, and whether two spellings differ only in form.
- ``weights``: the documented priors (Fellegi-Sunter m and u probabilities) every comparison level is weighed by.
- ``contacts`` / ``documents``: a record's profile and blocking keys (computed at staging), and the comparison of
  two profiles field by field into a list of :class:`~reconcile.evidence.weights.Evidence`.
- ``model``: the outcome of a scored pair (link, review, create) under a pair's two thresholds, and the
  self-explanatory JSON a queued candidate carries.
- ``identity``: a linked contact's name and tax number are not settled by "newest wins" (used by the planner).
"""
