"""The workbook's style table: a fixed set of cell looks the project owns, and their indices.

Every cell of every sheet takes one of these looks; its index in `xl/styles.xml` is computed from
the look (`CellLook.index`), so the table is the same in every report and a sheet's rows can be
rendered before, after or beside the others. Every look has a font and is aligned to the top of
its row, so a row of wrapped text reads from its first line in every cell.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import Final
from xml.sax.saxutils import quoteattr

# Fill colours (hex RGB) a cell may take.
RED: Final = "F4CCCC"
AMBER: Final = "FFE599"
SLATE: Final = "DDE3EC"
FILLS: Final = (None, RED, AMBER, SLATE)


class NumberFormat(IntEnum):
    """How a number cell shows: as it is, as a date, as a date and time."""

    GENERAL = 0
    DATE = 1
    DATETIME = 2


_FORMAT_CODES = {NumberFormat.DATE: "yyyy-mm-dd", NumberFormat.DATETIME: "yyyy-mm-dd hh:mm:ss"}
_FIRST_CUSTOM_FORMAT = 164  # numbers below are Excel's built-in formats


class Font(IntEnum):
    PLAIN = 0
    BOLD = 1
    LINK = 2


@dataclass(frozen=True)
class CellStyle:
    """How a column's cells look: bold header, wrapped long text, a fill colour (one of FILLS)."""

    bold: bool = False
    wrap: bool = False
    fill: str | None = None

    def __post_init__(self) -> None:
        if self.fill not in FILLS:
            raise ValueError(f"no fill {self.fill!r} in the style table; add it to FILLS")


PLAIN = CellStyle()
HEADER = CellStyle(bold=True)
WRAPPED = CellStyle(wrap=True)


@dataclass(frozen=True)
class CellLook:
    """Everything that decides one cell's style: its column's style, whether its text is kept
    from being read as a formula (`quotePrefix`), its number format and whether it is a link."""

    style: CellStyle = PLAIN
    quote_prefix: bool = False
    number_format: NumberFormat = NumberFormat.GENERAL
    link: bool = False

    @property
    def index(self) -> int:
        """The look's index in the style table (0: the default look)."""
        font = Font.LINK if self.link else Font.BOLD if self.style.bold else Font.PLAIN
        code = font * len(FILLS) + FILLS.index(self.style.fill)
        code = (code * 2 + self.style.wrap) * 2 + self.quote_prefix
        return code * len(NumberFormat) + self.number_format


def _all_looks() -> list[tuple[Font, str | None, bool, bool, NumberFormat]]:
    """Every combination, in index order."""
    return [
        (font, fill, wrap, quoted, number_format)
        for font in Font
        for fill in FILLS
        for wrap in (False, True)
        for quoted in (False, True)
        for number_format in NumberFormat
    ]


_FONTS = (
    '<font><sz val="11"/><color rgb="FF000000"/><name val="Calibri"/><family val="2"/></font>',
    '<font><b/><sz val="11"/><color rgb="FF000000"/><name val="Calibri"/><family val="2"/></font>',
    '<font><u/><sz val="11"/><color rgb="FF0563C1"/><name val="Calibri"/><family val="2"/></font>',
)


def styles_xml() -> bytes:
    """The `xl/styles.xml` part."""
    formats = "".join(
        f'<numFmt numFmtId="{_FIRST_CUSTOM_FORMAT + code - 1}" formatCode={quoteattr(text)}/>'
        for code, text in _FORMAT_CODES.items()
    )
    # Fills 0 and 1 are reserved by the format (none and gray125); the palette follows.
    fills = [
        '<fill><patternFill patternType="none"/></fill>',
        '<fill><patternFill patternType="gray125"/></fill>',
    ]
    fills += [
        f'<fill><patternFill patternType="solid"><fgColor rgb="FF{rgb}"/>'
        f'<bgColor indexed="64"/></patternFill></fill>'
        for rgb in FILLS[1:]
    ]
    records = []
    for font, fill, wrap, quoted, number_format in _all_looks():
        format_id = 0 if not number_format else _FIRST_CUSTOM_FORMAT + number_format - 1
        fill_id = 0 if fill is None else FILLS.index(fill) + 1
        flags = {
            "quotePrefix": quoted,
            "applyFont": font != Font.PLAIN,
            "applyFill": fill is not None,
            "applyNumberFormat": number_format != NumberFormat.GENERAL,
            "applyAlignment": True,
        }
        attributes = "".join(f' {name}="1"' for name, on in flags.items() if on)
        wrapping = ' wrapText="1"' if wrap else ""
        records.append(
            f'<xf numFmtId="{format_id}" fontId="{int(font)}" fillId="{fill_id}" borderId="0" '
            f'xfId="0"{attributes}><alignment vertical="top"{wrapping}/></xf>'
        )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<numFmts count="{len(_FORMAT_CODES)}">{formats}</numFmts>'
        f'<fonts count="{len(_FONTS)}">{"".join(_FONTS)}</fonts>'
        f'<fills count="{len(fills)}">{"".join(fills)}</fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        # The Normal style is top-aligned too: a cell without a style attribute takes it.
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" '
        'applyAlignment="1"><alignment vertical="top"/></xf></cellStyleXfs>'
        f'<cellXfs count="{len(records)}">{"".join(records)}</cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        '<dxfs count="0"/><tableStyles count="0"/>'
        "</styleSheet>"
    ).encode()
