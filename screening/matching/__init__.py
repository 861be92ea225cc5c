"""Name matching: normalize, block, score and explain record names against sanctions lists."""

from screening.matching.matcher import CLOSE, COLUMNS, DEFAULT_THRESHOLD, match_names

__all__ = ["CLOSE", "COLUMNS", "DEFAULT_THRESHOLD", "match_names"]
