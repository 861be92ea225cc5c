"""The workbook package: every part of the .xlsx file, written by the project.

A sheet is described by a `Sheet` (its name, column widths, frozen panes, filter, dropdowns, print
setup, chart) and streamed with its rows, already rendered as `<row>` elements (`sheetdata`); the
workbook's other parts — content types, relationships, the workbook, the style table
(`styles`), shared strings, document properties — are written when it is closed. The parts are
those of SpreadsheetML (ECMA-376 / ISO 29500), in the order its schema fixes for each element.
Reports are read back with openpyxl, the test oracle every report must open in.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from xml.sax.saxutils import escape, quoteattr

from screening.report.archive import ZipWriter
from screening.report.styles import styles_xml

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE_RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"
_OFFICE = "application/vnd.openxmlformats-officedocument"
_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
# Excel holds 1,048,576 rows a sheet.
LAST_ROW = 1_048_576
# A chart's size unit: English Metric Units per centimetre.
_EMU_PER_CM = 360_000


def column_letter(number: int) -> str:
    """A column's letters from its number (1 → A, 27 → AA)."""
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def quoted_sheet(name: str) -> str:
    """A sheet name as a formula refers to it: 'Data issues'."""
    return "'" + name.replace("'", "''") + "'"


@dataclass(frozen=True)
class ListValidation:
    """A dropdown on a range of cells: the value must be one of `choices`."""

    cells: str
    choices: Sequence[str]
    error_title: str
    error: str


@dataclass(frozen=True)
class BarChart:
    """A horizontal bar chart of one series on its sheet's cells (ranges like `$D$16:$D$40`)."""

    title: str
    axis_title: str
    series_name: str
    categories: str
    values: str
    column: int
    """Where its top left corner is: 0-based column and row."""
    row: int
    width_cm: float
    height_cm: float


@dataclass(frozen=True)
class Sheet:
    """How a sheet looks around its rows."""

    name: str
    widths: Sequence[float] = ()
    frozen_rows: int = 0
    frozen_columns: int = 0
    filter_range: str | None = None
    """The autofilter's range (`A1:W114`), header row included; None for no filter."""
    validations: Sequence[ListValidation] = ()
    chart: BarChart | None = None
    print_titles: bool = False
    """Repeat the first row on every printed page."""
    hidden_columns: Sequence[int] = ()
    """Columns (1-based) grouped one outline level deep and collapsed."""


@dataclass
class _Written:
    sheet: Sheet
    path: str
    chart: int | None = None


@dataclass
class XlsxWriter:
    """Writes a workbook into `archive` sheet by sheet; `close` writes the rest of the package
    and closes the archive. Sheets must be added in the order the workbook shows them."""

    archive: ZipWriter
    creator: str
    _sheets: list[_Written] = field(init=False, default_factory=list)

    def add_sheet(
        self, sheet: Sheet, rows: Iterable[bytes | memoryview], hyperlinks: bytes = b""
    ) -> None:
        """Stream one sheet: its frame, the `<row>` elements given, its hyperlinks."""
        number = len(self._sheets) + 1
        written = _Written(sheet, f"xl/worksheets/sheet{number}.xml")
        head = _sheet_head(sheet, selected=number == 1).encode()
        tail = _sheet_tail(sheet, hyperlinks, chart=sheet.chart is not None)
        self.archive.write_stream(written.path, itertools.chain((head,), rows, (tail,)))
        if sheet.chart is not None:
            written.chart = 1 + sum(1 for done in self._sheets if done.chart is not None)
            self._write_chart(number, written.chart, sheet.name, sheet.chart)
        self._sheets.append(written)

    def close(self, shared_strings: bytes) -> None:
        """Write the workbook, its relationships, styles, the shared strings (an `<sst>` part)
        and the document properties, then the archive's directory."""
        self.archive.write("xl/workbook.xml", self._workbook().encode())
        self.archive.write("xl/_rels/workbook.xml.rels", self._workbook_relationships().encode())
        self.archive.write("xl/styles.xml", styles_xml())
        self.archive.write("xl/sharedStrings.xml", shared_strings)
        self.archive.write("docProps/core.xml", _core(self.creator).encode())
        self.archive.write("docProps/app.xml", _app().encode())
        self.archive.write("_rels/.rels", _package_relationships().encode())
        self.archive.write("[Content_Types].xml", self._content_types().encode())
        self.archive.close()

    def _write_chart(
        self, sheet_number: int, chart_number: int, name: str, chart: BarChart
    ) -> None:
        drawing = f"xl/drawings/drawing{chart_number}.xml"
        self.archive.write(
            f"xl/worksheets/_rels/sheet{sheet_number}.xml.rels",
            _relationships([("rId1", "drawing", f"/{drawing}")]).encode(),
        )
        self.archive.write(drawing, _drawing(chart).encode())
        self.archive.write(
            f"xl/drawings/_rels/drawing{chart_number}.xml.rels",
            _relationships([("rId1", "chart", f"/xl/charts/chart{chart_number}.xml")]).encode(),
        )
        self.archive.write(f"xl/charts/chart{chart_number}.xml", _chart(name, chart).encode())

    def _workbook(self) -> str:
        sheets = "".join(
            f'<sheet name={quoteattr(done.sheet.name)} sheetId="{number}" r:id="rId{number}"/>'
            for number, done in enumerate(self._sheets, start=1)
        )
        names = "".join(
            _defined_names(position, done.sheet) for position, done in enumerate(self._sheets)
        )
        return (
            f'{_DECLARATION}<workbook xmlns="{MAIN}" xmlns:r="{RELATIONSHIPS}">'
            '<bookViews><workbookView activeTab="0"/></bookViews>'
            f"<sheets>{sheets}</sheets>"
            + (f"<definedNames>{names}</definedNames>" if names else "")
            + '<calcPr calcId="191029"/></workbook>'
        )

    def _workbook_relationships(self) -> str:
        count = len(self._sheets)
        return _relationships(
            [
                *(
                    (f"rId{n}", "worksheet", f"/{done.path}")
                    for n, done in enumerate(self._sheets, 1)
                ),
                (f"rId{count + 1}", "styles", "/xl/styles.xml"),
                (f"rId{count + 2}", "sharedStrings", "/xl/sharedStrings.xml"),
            ]
        )

    def _content_types(self) -> str:
        parts = [
            ("/xl/workbook.xml", f"{_OFFICE}.spreadsheetml.sheet.main+xml"),
            ("/xl/styles.xml", f"{_OFFICE}.spreadsheetml.styles+xml"),
            ("/xl/sharedStrings.xml", f"{_OFFICE}.spreadsheetml.sharedStrings+xml"),
            ("/docProps/core.xml", "application/vnd.openxmlformats-package.core-properties+xml"),
            ("/docProps/app.xml", f"{_OFFICE}.extended-properties+xml"),
        ]
        for done in self._sheets:
            parts.append((f"/{done.path}", f"{_OFFICE}.spreadsheetml.worksheet+xml"))
            if done.chart is not None:
                parts.append((f"/xl/drawings/drawing{done.chart}.xml", f"{_OFFICE}.drawing+xml"))
                parts.append(
                    (f"/xl/charts/chart{done.chart}.xml", f"{_OFFICE}.drawingml.chart+xml")
                )
        overrides = "".join(
            f'<Override PartName="{name}" ContentType="{kind}"/>' for name, kind in parts
        )
        return (
            f'{_DECLARATION}<Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/'
            'vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f"{overrides}</Types>"
        )


def _sheet_head(sheet: Sheet, *, selected: bool) -> str:
    """Everything a worksheet holds before its first row."""
    outline = '<outlinePr summaryRight="0"/>' if sheet.hidden_columns else ""
    properties = f'<sheetPr>{outline}<pageSetUpPr fitToPage="1"/></sheetPr>'
    columns = "".join(
        _column(number, width, hidden=number in sheet.hidden_columns)
        for number, width in enumerate(sheet.widths, start=1)
    )
    format_properties = '<sheetFormatPr defaultRowHeight="15"'
    format_properties += ' outlineLevelCol="1"/>' if sheet.hidden_columns else "/>"
    return (
        f'{_DECLARATION}<worksheet xmlns="{MAIN}" xmlns:r="{RELATIONSHIPS}">{properties}'
        f"<sheetViews>{_sheet_view(sheet, selected)}</sheetViews>{format_properties}"
        + (f"<cols>{columns}</cols>" if columns else "")
        + "<sheetData>"
    )


def _column(number: int, width: float, *, hidden: bool) -> str:
    grouping = ' hidden="1" outlineLevel="1"' if hidden else ""
    return f'<col min="{number}" max="{number}" width="{width:g}" customWidth="1"{grouping}/>'


def _sheet_view(sheet: Sheet, selected: bool) -> str:
    chosen = ' tabSelected="1"' if selected else ""
    rows, columns = sheet.frozen_rows, sheet.frozen_columns
    if not rows and not columns:
        return f'<sheetView workbookViewId="0"{chosen}/>'
    corner = f"{column_letter(columns + 1)}{rows + 1}"
    pane = {(True, False): "bottomLeft", (False, True): "topRight"}.get(
        (bool(rows), bool(columns)), "bottomRight"
    )
    splits = (f' xSplit="{columns}"' if columns else "") + (f' ySplit="{rows}"' if rows else "")
    return (
        f'<sheetView workbookViewId="0"{chosen}><pane{splits} topLeftCell="{corner}" '
        f'activePane="{pane}" state="frozen"/>'
        f'<selection pane="{pane}" activeCell="{corner}" sqref="{corner}"/></sheetView>'
    )


def _sheet_tail(sheet: Sheet, hyperlinks: bytes, *, chart: bool) -> bytes:
    """Everything after the rows, in the schema's order: filter, dropdowns, links, print setup,
    drawing."""
    parts = ["</sheetData>"]
    if sheet.filter_range:
        parts.append(f'<autoFilter ref="{sheet.filter_range}"/>')
    if sheet.validations:
        parts.append(f'<dataValidations count="{len(sheet.validations)}">')
        parts += [_validation(validation) for validation in sheet.validations]
        parts.append("</dataValidations>")
    head = "".join(parts).encode()
    setup = (
        '<printOptions gridLines="0"/>'
        '<pageMargins left="0.4" right="0.4" top="0.6" bottom="0.6" header="0.3" footer="0.3"/>'
        '<pageSetup paperSize="9" orientation="landscape" fitToWidth="1" fitToHeight="0"/>'
        "<headerFooter><oddFooter>&amp;L&amp;A&amp;RPage &amp;P of &amp;N</oddFooter>"
        "</headerFooter>"
    )
    drawing = '<drawing r:id="rId1"/>' if chart else ""
    return head + hyperlinks + f"{setup}{drawing}</worksheet>".encode()


def _validation(validation: ListValidation) -> str:
    choices = escape('"' + ",".join(validation.choices) + '"')
    return (
        f'<dataValidation type="list" allowBlank="1" showErrorMessage="1" '
        f"errorTitle={quoteattr(validation.error_title)} error={quoteattr(validation.error)} "
        f'sqref="{validation.cells}"><formula1>{choices}</formula1></dataValidation>'
    )


def _defined_names(position: int, sheet: Sheet) -> str:
    """The sheet's filter range and printed titles, as Excel names them."""
    names = []
    if sheet.filter_range:
        first, last = (_absolute(corner) for corner in sheet.filter_range.split(":"))
        names.append(
            f'<definedName name="_xlnm._FilterDatabase" localSheetId="{position}" hidden="1">'
            f"{escape(quoted_sheet(sheet.name))}!{first}:{last}</definedName>"
        )
    if sheet.print_titles:
        names.append(
            f'<definedName name="_xlnm.Print_Titles" localSheetId="{position}">'
            f"{escape(quoted_sheet(sheet.name))}!$1:$1</definedName>"
        )
    return "".join(names)


def _absolute(corner: str) -> str:
    letters = corner.rstrip("0123456789")
    return f"${letters}${corner[len(letters) :]}"


def _relationships(relations: Sequence[tuple[str, str, str]]) -> str:
    items = "".join(
        f'<Relationship Id="{key}" Type="{RELATIONSHIPS}/{kind}" Target="{target}"/>'
        for key, kind, target in relations
    )
    return f'{_DECLARATION}<Relationships xmlns="{_PACKAGE_RELATIONSHIPS}">{items}</Relationships>'


def _package_relationships() -> str:
    return (
        f'{_DECLARATION}<Relationships xmlns="{_PACKAGE_RELATIONSHIPS}">'
        f'<Relationship Id="rId1" Type="{RELATIONSHIPS}/officeDocument" '
        'Target="xl/workbook.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/'
        'relationships/metadata/core-properties" Target="docProps/core.xml"/>'
        f'<Relationship Id="rId3" Type="{RELATIONSHIPS}/extended-properties" '
        'Target="docProps/app.xml"/></Relationships>'
    )


def _core(creator: str) -> str:
    # The creator names the tool and its version: `review import` checks it.
    return (
        f"{_DECLARATION}<cp:coreProperties "
        'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f"<dc:creator>{escape(creator)}</dc:creator></cp:coreProperties>"
    )


def _app() -> str:
    return (
        f'{_DECLARATION}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
        'extended-properties"><Application>screening</Application></Properties>'
    )


_DRAWING_NAMESPACES = (
    'xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart" '
    f'xmlns:r="{RELATIONSHIPS}"'
)


def _drawing(chart: BarChart) -> str:
    width = round(chart.width_cm * _EMU_PER_CM)
    height = round(chart.height_cm * _EMU_PER_CM)
    return (
        f"{_DECLARATION}<xdr:wsDr {_DRAWING_NAMESPACES}><xdr:oneCellAnchor>"
        f"<xdr:from><xdr:col>{chart.column}</xdr:col><xdr:colOff>0</xdr:colOff>"
        f"<xdr:row>{chart.row}</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from>"
        f'<xdr:ext cx="{width}" cy="{height}"/>'
        '<xdr:graphicFrame macro=""><xdr:nvGraphicFramePr><xdr:cNvPr id="2" name="Chart 1"/>'
        "<xdr:cNvGraphicFramePr/></xdr:nvGraphicFramePr>"
        '<xdr:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/></xdr:xfrm>'
        '<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/chart">'
        '<c:chart r:id="rId1"/></a:graphicData></a:graphic></xdr:graphicFrame>'
        "<xdr:clientData/></xdr:oneCellAnchor></xdr:wsDr>"
    )


def _chart_text(text: str) -> str:
    return (
        "<c:tx><c:rich><a:bodyPr/><a:p><a:r>"
        f'<a:t>{escape(text)}</a:t></a:r></a:p></c:rich></c:tx><c:overlay val="0"/>'
    )


def _chart(sheet: str, chart: BarChart) -> str:
    where = escape(quoted_sheet(sheet))
    # The categories read top down, in the order of the table they plot; the value axis stays
    # at the bottom (it crosses the category axis at its last category).
    down = '<c:scaling><c:orientation val="maxMin"/></c:scaling><c:delete val="0"/>'
    axis = '<c:scaling><c:orientation val="minMax"/></c:scaling><c:delete val="0"/>'
    return (
        f"{_DECLARATION}<c:chartSpace {_DRAWING_NAMESPACES}>"
        f"<c:chart><c:title>{_chart_text(chart.title)}</c:title>"
        '<c:autoTitleDeleted val="0"/><c:plotArea><c:layout/><c:barChart>'
        '<c:barDir val="bar"/><c:grouping val="clustered"/><c:varyColors val="0"/>'
        '<c:ser><c:idx val="0"/><c:order val="0"/>'
        f"<c:tx><c:strRef><c:f>{where}!{chart.series_name}</c:f></c:strRef></c:tx>"
        '<c:spPr><a:solidFill><a:srgbClr val="4472C4"/></a:solidFill></c:spPr>'
        '<c:invertIfNegative val="0"/>'
        f"<c:cat><c:strRef><c:f>{where}!{chart.categories}</c:f></c:strRef></c:cat>"
        f"<c:val><c:numRef><c:f>{where}!{chart.values}</c:f></c:numRef></c:val></c:ser>"
        '<c:gapWidth val="60"/><c:axId val="10"/><c:axId val="100"/></c:barChart>'
        f'<c:catAx><c:axId val="10"/>{down}<c:axPos val="l"/>'
        '<c:numFmt formatCode="General" sourceLinked="0"/>'
        '<c:majorTickMark val="none"/><c:minorTickMark val="none"/><c:tickLblPos val="low"/>'
        '<c:crossAx val="100"/><c:crosses val="autoZero"/><c:auto val="1"/>'
        '<c:lblAlgn val="ctr"/><c:lblOffset val="100"/><c:noMultiLvlLbl val="1"/></c:catAx>'
        f'<c:valAx><c:axId val="100"/>{axis}<c:axPos val="b"/><c:majorGridlines/>'
        f"<c:title>{_chart_text(chart.axis_title)}</c:title>"
        '<c:numFmt formatCode="0" sourceLinked="0"/>'
        '<c:majorTickMark val="out"/><c:minorTickMark val="none"/><c:tickLblPos val="nextTo"/>'
        '<c:crossAx val="10"/><c:crosses val="max"/><c:crossBetween val="between"/>'
        "</c:valAx></c:plotArea>"
        '<c:plotVisOnly val="1"/><c:dispBlanksAs val="gap"/></c:chart></c:chartSpace>'
    )
