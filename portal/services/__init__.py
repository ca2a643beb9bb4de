"""Use cases: each function holds the rules, owns its transaction and knows nothing of HTTP."""
