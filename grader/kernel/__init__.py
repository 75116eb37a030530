"""Everything that runs learner code: the sandbox, the fork server (zygote) and nbgrader's executor."""
