"""The Excel report: one workbook a reviewer works in, every cell written safely.

`rows.py` declares each sheet's columns; `workbook.py` writes the workbook (`write_report`).
"""
