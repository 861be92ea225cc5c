"""The review loop: decisions made in a report carry over to the next screen.

decisions.py holds the decision model and the append-only store; workbook.py reads decisions back
from a reviewed report; apply.py carries them onto a new screen's findings; changes.py compares a
screen with a baseline report; suppressions.py reads time-limited suppressions.
"""
