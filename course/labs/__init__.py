"""Lab plumbing: each lab's saved headline numbers, read back for the memo and the workshop pool."""
