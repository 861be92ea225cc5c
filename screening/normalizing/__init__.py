"""Normalizing raw record values: countries, dates, numbers, choices."""
