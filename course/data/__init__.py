"""The course's data files (dated, sourced facts; the embedded models; the evaluation set)."""

from pathlib import Path

DATA_DIR = Path(__file__).parent
