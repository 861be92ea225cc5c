"""Benchmarks and the report comparison: scripts run as `python benchmarks/NAME.py`; the tests
import `same_sheets` to compare two reports."""
