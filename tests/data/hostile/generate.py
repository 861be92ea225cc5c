"""Writes the hostile-input corpus next to this file; each file is one case (see README.md).

The files are committed; rerun (`python tests/data/hostile/generate.py`) only to change a case.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl

HERE = Path(__file__).parent
HEADER = "record_id,full_name,nationality,permit_number,permit_issued,monthly_income,currency\n"
RUSSIAN = (
    "record_id,full_name,nationality,work_site,role\n"
    "W1,Ким Чоль Ун,КНДР,Владивосток,бетонщик\n"
    "W2,Иванов Пётр Сергеевич,Россия,Москва,сварщик\n"
    "W3,Пак Ир Гю,Корейская Народно-Демократическая Республика,Хабаровск,разнорабочий\n"
)
KOREAN_ROWS = (
    "W1,Kim Chol Jin,KP,WP-1,2023-03-14,95000,RUB\n"
    "W2,Ким Чоль Ун,КНДР,WP-2,2023-04-01,90000,RUB\n"
    "W3,Ivanov Petr,RU,WP-3,2023-05-01,80000,RUB\n"
)


def _text(name: str, text: str, encoding: str = "utf-8") -> None:
    (HERE / name).write_bytes(text.encode(encoding))


def main() -> None:
    """Write every corpus file."""
    _text("utf8.csv", HEADER + KOREAN_ROWS)
    _text("utf8_bom.csv", HEADER + KOREAN_ROWS, "utf-8-sig")
    _text("utf16_bom_tab.csv", (HEADER + KOREAN_ROWS).replace(",", "\t"), "utf-16")
    _text("cp1251.csv", RUSSIAN, "cp1251")
    _text("koi8r.csv", RUSSIAN, "koi8-r")
    _text("cp866.csv", RUSSIAN, "cp866")
    _text("undecidable.csv", "record_id,full_name\nW1,Ким\n", "cp1251")
    _text("semicolon.csv", (HEADER + KOREAN_ROWS).replace(",", ";"))
    _text("tab.csv", (HEADER + KOREAN_ROWS).replace(",", "\t"))
    _text(
        "quoted_newlines.csv",
        HEADER
        + 'W1,"Kim\nChol Jin",KP,WP-1,2023-03-14,95000,RUB\n'
        + 'W2,"Pak, Il Kyu",KP,"WP-2\r\nsecond line",2023-04-01,"90 000",RUB\n'
        + "W3,Ri Su Yong,KP,WP-3,2023-05-01,80000,RUB\n",
    )
    _text("crlf.csv", (HEADER + KOREAN_ROWS).replace("\n", "\r\n"))
    _text("trailing_blank_lines.csv", HEADER + KOREAN_ROWS + "\n\n,,,,,,\n   \n\r\n\n")
    (HERE / "nul_bytes.csv").write_bytes(
        (HEADER + KOREAN_ROWS).encode()
        + b"W4,Ri\x00Su,KP,WP-4,2023-06-01,1,RUB\x00\n\x00\x00\x00\x00\n"
    )
    _text("zero_byte.csv", "")
    workbook = openpyxl.Workbook()
    workbook.active.append(["record_id", "full_name"])
    workbook.save(HERE / "excel_workbook.csv")  # an .xlsx renamed to .csv
    _text("header_only.csv", HEADER)
    _text(
        "ragged.csv",
        HEADER
        + "W1,Kim Chol Jin,KP,WP-1,2023-03-14,95000,RUB\n"
        + "W2,Pak Il Kyu,KP\n"
        + "W3,Ri Su Yong,KP,WP-3,2023-05-01,80000,RUB,extra,fields\n"
        + "W4,Jon Hyok,KP,WP-4,2023-06-01,70000,RUB\n",
    )
    _text(
        "unbalanced_quote.csv",
        HEADER
        + "W1,Kim Chol Jin,KP,WP-1,2023-03-14,95000,RUB\n"
        + 'W2,"Pak Il Kyu,KP,WP-2,2023-04-01,90000,RUB\n'
        + "W3,Ri Su Yong,KP,WP-3,2023-05-01,80000,RUB\n",
    )
    _text(
        "duplicate_ids.csv",
        HEADER
        + "W1,Kim Chol Jin,KP,WP-1,2023-03-14,95000,RUB\n"
        + "W2,Pak Il Kyu,KP,WP-2,2023-04-01,90000,RUB\n"
        + "W1,Ri Su Yong,KP,WP-3,2023-05-01,80000,RUB\n",
    )
    _text(
        "long_field.csv",
        "record_id,full_name,nationality,notes\n"
        + "W1,Kim Chol Jin,KP,"
        + "x" * 40_000
        + "\n"
        + "W2,Pak Il Kyu,KP,short\n",
    )
    _text(
        "bad_dates.csv",
        HEADER
        + "W1,Kim Chol Jin,KP,WP-1,31/02/2020,1,RUB\n"
        + "W2,Pak Il Kyu,KP,WP-2,2020-13-01,1,RUB\n"
        + "W3,Ri Su Yong,KP,WP-3,last spring,1,RUB\n"
        + "W4,Jon Hyok,KP,WP-4,03/04/2020,1,RUB\n"
        + "W5,O Kwang,KP,WP-5,03.04.2020,1,RUB\n"
        + "W6,Han Song,KP,WP-6,2031-01-15,1,RUB\n",
    )
    _text(
        "messy_numbers.csv",
        HEADER
        + 'W1,Kim Chol Jin,KP,WP-1,2023-03-14,"95 000",RUB\n'
        + 'W2,Pak Il Kyu,KP,WP-2,2023-03-14,"1,200.50",USD\n'
        + "W3,Ri Su Yong,KP,WP-3,2023-03-14,$1200,USD\n"
        + 'W4,Jon Hyok,KP,WP-4,2023-03-14,"1 200,50 ₽",RUB\n'
        + "W5,O Kwang,KP,WP-5,2023-03-14,lots,RUB\n",
    )


if __name__ == "__main__":
    main()
