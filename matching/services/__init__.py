"""Matching use cases, one module per job; callers import the module they need.

- `recommend`: live recommendations for a worker and the window preview (nothing stored).
- `runs`: batch runs (create, start, cancel, resume, execute, recover) and how a chunk is stored.
- `review`: staff review of suggestions (one, in bulk, a note).
- `outcomes`: what applications and enrolments say about suggestions (hooks, signal receivers,
  the periodic sync).
- `versions`: the ranker registry (register, activate).

Keyword-only functions called the same way from views, tasks, commands and tests. The engine
(`matching.core`) ranks; these decide what is stored and audited; `matching.policies` says who
may ask.
"""
