"""The review loop: decisions made in a report carry over to the next screen.

decisions.py holds the decision model and the append-only store; workbook.py reads decisions back
from a reviewed report; apply.py carries them onto a new screen's findings; changes.py compares a
screen with a baseline report; evidence.py reads evidence back as fields, to name what changed;
suppressions.py reads time-limited suppressions. A reviewed workbook comes from outside: xlsx.py,
xlsxml.py and sheetxml.py read it within bounds, and idcheck.py checks a row's finding id against
the text the report shows for it.
"""
