"""Lab 06 and lesson 07: the hybrid router, its replay over the evaluation set, migration plans and the
replayed rollout."""
