"""Name matching: normalize, block, score and explain record names against sanctions lists."""

from screening.matching.matcher import COLUMNS, DEFAULT_THRESHOLD, match_names

__all__ = ["COLUMNS", "DEFAULT_THRESHOLD", "match_names"]
