"""The course itself: its source articles, course map and coverage table."""
