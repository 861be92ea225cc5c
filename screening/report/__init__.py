"""The Excel report: one workbook a reviewer works in, every cell written safely."""

from screening.report.workbook import MAX_SHEET_ROWS, SHEET_NAMES, check_destination, write_report

__all__ = ["MAX_SHEET_ROWS", "SHEET_NAMES", "check_destination", "write_report"]
