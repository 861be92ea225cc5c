"""The Excel report: one workbook a reviewer works in, every cell written safely.

`screening.rows` declares each sheet's columns. `workbook.py` writes the report (`write_report`):
the sheets (`sheets.py`, `overview.py`, `tables.py`) are described, their rows rendered a column at
a time (`sheetdata.py`, under the cell policy of `cells.py`) ahead of being written
(`rendering.py`), and the package streamed by the project's own writer (`xlsx.py`: the parts;
`styles.py`: the fixed style table; `archive.py`: the zip). openpyxl only reads reports back.
"""
