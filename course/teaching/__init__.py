"""One lesson's facts and frameworks per module (lessons 01-08)."""
