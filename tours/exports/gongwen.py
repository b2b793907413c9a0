"""A Word document laid out as GB/T 9704-2012 lays out official documents (公文格式).

A4 with the standard margins, 3号 仿宋 body on a document grid (w:docGrid) of 22 lines of
28 characters, a 2号 小标宋 title, 一、 headings in 黑体 and （一） in 楷体, Times New Roman
for digits and Latin letters, and "— 1 —" page numbers in 4号 宋体, right on odd pages and
left on even ones.

Word ignores a font name when a theme font attribute sits beside it, so every theme
attribute is removed from the default template's styles and every East Asian font is
named explicitly (w:eastAsia). The official faces are often missing: the font table gives
each an alternative Word falls back to (仿宋_GB2312 → 仿宋, 楷体_GB2312 → 楷体, 方正小标宋简体
→ 宋体), and LibreOffice finds a CJK serif (Noto Serif CJK SC) through fontconfig.
"""

import copy
import datetime
import io
import math

from docx import Document as new_document
from docx.enum.section import WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, Twips

BODY_FONT = "仿宋_GB2312"
TITLE_FONT = "方正小标宋简体"
HEADING_FONT = "黑体"
SUBHEADING_FONT = "楷体_GB2312"
PAGE_NUMBER_FONT = "宋体"
LATIN_FONT = "Times New Roman"
# Word falls back to these when the official faces are not installed.
ALTERNATIVES = {
    BODY_FONT: "仿宋",
    SUBHEADING_FONT: "楷体",
    TITLE_FONT: "宋体",
    HEADING_FONT: "SimHei",
    PAGE_NUMBER_FONT: "SimSun",
}

BODY_SIZE = Pt(16)  # 3号
TITLE_SIZE = Pt(22)  # 2号
PAGE_NUMBER_SIZE = Pt(14)  # 4号

PAGE_WIDTH, PAGE_HEIGHT = Mm(210), Mm(297)
TOP, BOTTOM, LEFT, RIGHT = Mm(37), Mm(35), Mm(28), Mm(26)  # 天头, bottom, 订口, right
CHARS_PER_LINE, LINES_PER_PAGE = 28, 22
# The 156 × 225 mm text block, measured in the whole twips the file stores.
TEXT_WIDTH = Twips(PAGE_WIDTH.twips - LEFT.twips - RIGHT.twips)
TEXT_HEIGHT = Twips(PAGE_HEIGHT.twips - TOP.twips - BOTTOM.twips)
LINE = Twips(TEXT_HEIGHT.twips // LINES_PER_PAGE)  # 28.95 pt: 22 lines fill the block
# Only 27 characters of 16 pt fit on a 156 mm line. Word's grid gives each character the
# Normal style's pitch plus w:charSpace 4096ths of a point (ECMA-376 §17.6.5): here
# 15.79 pt. LibreOffice (7.4) does not narrow characters to a grid: it gives each two cells.
CHAR_SPACE = math.floor((TEXT_WIDTH.pt / CHARS_PER_LINE - BODY_SIZE.pt) * 4096)
INDENT = Pt(32)  # two characters of 3号
THEME_ATTRIBUTES = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")

# Elements that follow, in schema order, the ones we add (Word refuses misordered XML).
PPR_AFTER_LINE_BREAKING = (
    "w:bidi", "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing",
    "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
    "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr",
    "w:pPrChange",
)  # fmt: skip
PPR_AFTER_BORDER = (
    "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
    "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", *PPR_AFTER_LINE_BREAKING,
)  # fmt: skip
SETTINGS_AFTER_UPDATE_FIELDS = (
    "w:hdrShapeDefaults", "w:footnotePr", "w:endnotePr", "w:compat", "w:docVars", "w:rsids",
    "m:mathPr", "w:attachedSchema", "w:themeFontLang", "w:clrSchemeMapping",
    "w:doNotIncludeSubdocsInStats", "w:doNotAutoCompressPictures", "w:forceUpgrade",
    "w:captions", "w:readModeInkLockDown", "w:smartTagType", "sl:schemaLibrary",
    "w:shapeDefaults", "w:doNotEmbedSmartTags", "w:decimalSymbol", "w:listSeparator",
)  # fmt: skip

SECTPR_AFTER_PAGE_NUMBERING = (
    "w:cols", "w:formProt", "w:vAlign", "w:noEndnote", "w:titlePg", "w:textDirection",
    "w:bidi", "w:rtlGutter", "w:docGrid", "w:printerSettings", "w:sectPrChange",
)  # fmt: skip

CHINESE_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 21 → 二十一 (headings never run past 99)."""
    tens, ones = divmod(n, 10)
    if tens == 0:
        return CHINESE_DIGITS[ones]
    return (
        (CHINESE_DIGITS[tens] if tens > 1 else "") + "十" + (CHINESE_DIGITS[ones] if ones else "")
    )


def chinese_date(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def date_span(start: datetime.date, end: datetime.date) -> str:
    """2024年2月26日至3月1日; 2024年2月26日至29日; one day alone."""
    if start == end:
        return chinese_date(start)
    if start.year != end.year:
        return f"{chinese_date(start)}至{chinese_date(end)}"
    if start.month != end.month:
        return f"{chinese_date(start)}至{end.month}月{end.day}日"
    return f"{chinese_date(start)}至{end.day}日"


def set_fonts(element, east_asian: str, latin: str = LATIN_FONT):
    """Name the fonts of a run or style (its rPr), East Asian explicitly, no theme fonts."""
    rpr = element if element.tag == qn("w:rPr") else element.get_or_add_rPr()
    fonts = rpr.get_or_add_rFonts()
    for attribute in THEME_ATTRIBUTES:
        fonts.attrib.pop(qn(attribute), None)
    for attribute, name in (
        ("w:ascii", latin),
        ("w:hAnsi", latin),
        ("w:cs", latin),
        ("w:eastAsia", east_asian),
    ):
        fonts.set(qn(attribute), name)
    fonts.set(qn("w:hint"), "eastAsia")


def _child(parent, tag, **attributes):
    element = parent.find(qn(tag))
    if element is None:
        element = OxmlElement(tag)
        parent.append(element)
    for name, value in attributes.items():
        element.set(qn(f"w:{name}"), value)
    return element


class GongwenDocument:
    """A python-docx Document with the house styles and helpers to write a report."""

    def __init__(self, *, numbered: bool = True, character_grid: bool = True):
        """`numbered=False` leaves the first pages (a cover, a table of contents) without page
        numbers; `start_numbered_part()` then starts the numbered pages at 1.

        `character_grid=False` sets the page without the document grid (still 22 lines of
        fixed spacing): a one-page form (督办通知单), whose body type then takes its own width
        everywhere. On the grid LibreOffice gives each character two cells and snaps a
        table's rows to whole lines, which pushes a full page onto a second one.
        """
        self.numbered = numbered
        self.character_grid = character_grid
        self.document = new_document()
        self._clean_template()
        self._define_styles()
        self._set_up_page(self.document.sections[0])
        self._heading_counts = [0, 0, 0]
        self._bookmarks = 0

    # Set-up ---------------------------------------------------------------------------

    def _clean_template(self):
        styles = self.document.styles.element
        for fonts in styles.iter(qn("w:rFonts")):
            for attribute in THEME_ATTRIBUTES:
                fonts.attrib.pop(qn(attribute), None)
        for color in list(styles.iter(qn("w:color"))):
            color.getparent().remove(color)
        part = self.document.part
        for rel_id, rel in list(part.rels.items()):
            # A second copy of the styles, still naming theme fonts, that Word 2010 prefers.
            if rel.reltype.endswith("/stylesWithEffects"):
                part.drop_rel(rel_id)
            elif rel.reltype == RT.FONT_TABLE:
                rel.target_part._blob = self._font_table(rel.target_part.blob)
        settings = self.document.settings.element
        _child(settings, "w:characterSpacingControl", val="compressPunctuation")
        self.document.settings.odd_and_even_pages_header_footer = True

    @staticmethod
    def _font_table(blob: bytes) -> bytes:
        from lxml import etree

        table = etree.fromstring(blob)
        for name, alternative in ALTERNATIVES.items():
            font = etree.SubElement(table, qn("w:font"))
            font.set(qn("w:name"), name)
            etree.SubElement(font, qn("w:altName")).set(qn("w:val"), alternative)
            etree.SubElement(font, qn("w:charset")).set(qn("w:val"), "86")  # GB2312
            etree.SubElement(font, qn("w:family")).set(qn("w:val"), "roman")
            etree.SubElement(font, qn("w:pitch")).set(qn("w:val"), "variable")
        return etree.tostring(table, xml_declaration=True, encoding="UTF-8", standalone=True)

    def _define_styles(self):
        styles = self.document.styles
        defaults = styles.element.find(qn("w:docDefaults"))
        rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
        set_fonts(rpr, BODY_FONT)
        _child(rpr, "w:lang", val="en-US", eastAsia="zh-CN")
        ppr_default = defaults.find(qn("w:pPrDefault"))
        if ppr_default is None:
            ppr_default = _child(defaults, "w:pPrDefault")
        ppr = _child(ppr_default, "w:pPr")
        # Chinese line breaking. Word rejects a file whose elements are out of schema order.
        for tag in ("w:kinsoku", "w:overflowPunct", "w:autoSpaceDE", "w:autoSpaceDN"):
            if ppr.find(qn(tag)) is None:
                element = OxmlElement(tag)
                element.set(qn("w:val"), "1")
                ppr.insert_element_before(element, *PPR_AFTER_LINE_BREAKING)

        normal = styles["Normal"]
        normal.font.size = BODY_SIZE
        set_fonts(normal.element, BODY_FONT)
        self._paragraph_format(normal, indent=True)

        for name, font, bold in (
            ("Heading 1", HEADING_FONT, False),
            ("Heading 2", SUBHEADING_FONT, False),
            ("Heading 3", BODY_FONT, True),
        ):
            style = styles[name]
            style.font.size = BODY_SIZE
            style.font.bold = bold
            style.font.italic = False
            set_fonts(style.element, font)
            self._paragraph_format(style, indent=True)
            style.paragraph_format.keep_with_next = True

        title = styles["Title"]
        title.font.size = TITLE_SIZE
        title.font.bold = False
        set_fonts(title.element, TITLE_FONT)
        self._paragraph_format(title, line=Pt(35))
        title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
        title.paragraph_format.space_after = LINE
        border = title.element.pPr.find(qn("w:pBdr"))
        if border is not None:
            title.element.pPr.remove(border)

        for name in ("Header", "Footer"):
            self._paragraph_format(styles[name])

    @staticmethod
    def _paragraph_format(style, *, indent=False, line=LINE):
        fmt = style.paragraph_format
        fmt.line_spacing = line  # a length: exact spacing
        fmt.space_before = Pt(0)
        fmt.space_after = Pt(0)
        fmt.first_line_indent = INDENT if indent else Pt(0)
        fmt.left_indent = Pt(0)
        fmt.widow_control = True

    def _set_up_page(self, section):
        section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
        section.top_margin, section.bottom_margin = TOP, BOTTOM
        section.left_margin, section.right_margin = LEFT, RIGHT
        # The template's sectPr has a docGrid (lines only), in its place in the schema.
        grid = {"type": "default", "linePitch": str(LINE.twips)}
        if self.character_grid:
            grid.update(type="linesAndChars", charSpace=str(CHAR_SPACE))
        _child(section._sectPr, "w:docGrid", **grid)
        section.header_distance = Mm(15)
        section.footer_distance = Mm(22)
        if self.numbered:
            self._number_pages(section)

    def _number_pages(self, section):
        """Give `section` footers of its own with the page number, odd right and even left."""
        for footer, alignment in (
            (section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
            (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT),
        ):
            footer.is_linked_to_previous = False
            self._page_number(footer.paragraphs[0], alignment)

    @staticmethod
    def _page_number(paragraph, alignment):
        paragraph.alignment = alignment
        fmt = paragraph.paragraph_format
        # One character in from the text block's edge, on the outer side of the page.
        if alignment == WD_ALIGN_PARAGRAPH.RIGHT:
            fmt.right_indent = PAGE_NUMBER_SIZE
        else:
            fmt.left_indent = PAGE_NUMBER_SIZE
        fmt.first_line_indent = Pt(0)

        def run(text=""):
            r = paragraph.add_run(text)
            r.font.size = PAGE_NUMBER_SIZE
            set_fonts(r._r, PAGE_NUMBER_FONT, PAGE_NUMBER_FONT)
            return r

        run("— ")
        add_field(run(), "PAGE", "1")
        run(" —")

    # Writing ----------------------------------------------------------------------------

    def title(self, text: str):
        return self.document.add_paragraph(text, style="Title")

    def centered(self, text: str):
        paragraph = self.document.add_paragraph(text)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.first_line_indent = Pt(0)
        return paragraph

    def right(self, text: str, *, indent_chars: int = 0):
        """A line set flush right, `indent_chars` characters in (a signature, a speaker)."""
        paragraph = self.document.add_paragraph(text)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        paragraph.paragraph_format.first_line_indent = Pt(0)
        paragraph.paragraph_format.right_indent = BODY_SIZE * indent_chars
        return paragraph

    def label(self, text: str):
        """A flush-left line in 黑体, as 附件1 stands above an appendix."""
        paragraph = self.document.add_paragraph()
        paragraph.paragraph_format.first_line_indent = Pt(0)
        set_fonts(paragraph.add_run(text)._r, HEADING_FONT)
        return paragraph

    def heading(self, text: str, level: int = 1, *, numbered: bool = True, bookmark: str = ""):
        """一、 at level 1, （一） at level 2, 1. at level 3, each counted under its parent.

        A `bookmark` lets a table of contents point at the heading.
        """
        prefix = ""
        if numbered:
            self._heading_counts[level - 1] += 1
            for deeper in range(level, 3):
                self._heading_counts[deeper] = 0
            n = self._heading_counts[level - 1]
            prefix = (f"{chinese_number(n)}、", f"（{chinese_number(n)}）", f"{n}. ")[level - 1]
        paragraph = self.document.add_paragraph(prefix + text, style=f"Heading {level}")
        if bookmark:
            self._bookmarks += 1
            start = OxmlElement("w:bookmarkStart")
            start.set(qn("w:id"), str(self._bookmarks))
            start.set(qn("w:name"), bookmark)
            end = OxmlElement("w:bookmarkEnd")
            end.set(qn("w:id"), str(self._bookmarks))
            paragraph._p.insert(1 if paragraph._p.pPr is not None else 0, start)
            paragraph._p.append(end)
        return paragraph

    def table_of_contents(self, entries):
        """A table of contents over `entries` (level, text, bookmark).

        Written out in full, each page number a PAGEREF field to its heading's bookmark:
        LibreOffice and WPS compute them as they lay the pages out, Word on opening (the
        document asks it to update its fields). A Word TOC field would show LibreOffice
        only the numbers stored in the file, which we cannot know.
        """
        width = TEXT_WIDTH
        for level in (1, 2):
            name = f"toc {level}"
            if name not in [s.name for s in self.document.styles]:
                style = self.document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
                style.base_style = self.document.styles["Normal"]
                style.paragraph_format.first_line_indent = Pt(0)
                style.paragraph_format.left_indent = INDENT * (level - 1)
                style.paragraph_format.tab_stops.add_tab_stop(
                    width, WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS
                )
        for level, text, bookmark in entries:
            paragraph = self.document.add_paragraph(style=f"toc {level}")
            paragraph.add_run(f"{text}\t")
            add_field(paragraph.add_run(), f"PAGEREF {bookmark} \\h", "")
        settings = self.document.settings.element
        if settings.find(qn("w:updateFields")) is None:
            update = OxmlElement("w:updateFields")
            update.set(qn("w:val"), "true")
            settings.insert_element_before(update, *SETTINGS_AFTER_UPDATE_FIELDS)

    def paragraph(self, text: str = "", *, bold_lead: str = "", keep_with_next: bool = False):
        """A body paragraph, indented two characters; `bold_lead` opens it in bold.

        `keep_with_next` keeps it on the page of what follows (a table's caption).
        """
        paragraph = self.document.add_paragraph()
        if keep_with_next:
            paragraph.paragraph_format.keep_with_next = True
        if bold_lead:
            paragraph.add_run(bold_lead).bold = True
        if text:
            paragraph.add_run(text)
        return paragraph

    def page_break(self):
        self.document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    def table(self, header: list[str], rows: list[list[str]], *, widths_mm=None):
        """A bordered table in 4号 type, header row repeated on every page.

        No row breaks across a page (w:cantSplit): a row read half on one page and half on
        the next is a row misread.
        """
        table = self.document.add_table(rows=1, cols=len(header))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        for cell, text in zip(table.rows[0].cells, header, strict=True):
            self._cell(cell, text, bold=True, center=True)
        for values in rows:
            cells = table.add_row().cells
            for cell, text in zip(cells, values, strict=True):
                self._cell(cell, text)
        for row in table.rows:
            # In schema order: w:cantSplit comes before w:tblHeader.
            _child(row._tr.get_or_add_trPr(), "w:cantSplit")
        _child(table.rows[0]._tr.get_or_add_trPr(), "w:tblHeader")
        if widths_mm:
            table.autofit = False
            for column, width in zip(table.columns, widths_mm, strict=True):
                column.width = Mm(width)
            for row in table.rows:
                for cell, width in zip(row.cells, widths_mm, strict=True):
                    cell.width = Mm(width)
        return table

    def form_table(self, rows: list[tuple[str, str]], *, widths_mm=(26, 130)):
        """A form of label and value rows (a 督办单's 督办事项 | …), labels in 黑体, centred.

        Rows never break across a page; a value may run to several lines (\n).
        """
        table = self.document.add_table(rows=0, cols=2)
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        for label, value in rows:
            cells = table.add_row().cells
            self._cell(cells[0], label, bold=True, center=True)
            cells[0].vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            lines = str(value).split("\n")
            self._cell(cells[1], lines[0])
            for line in lines[1:]:
                self._cell(cells[1], line, paragraph=cells[1].add_paragraph())
            # A little air above and below each row: a form is read and written on.
            for cell in cells:
                cell.paragraphs[0].paragraph_format.space_before = Pt(1)
                cell.paragraphs[-1].paragraph_format.space_after = Pt(1)
        for row in table.rows:
            _child(row._tr.get_or_add_trPr(), "w:cantSplit")
        for column, width in zip(table.columns, widths_mm, strict=True):
            column.width = Mm(width)
        for row in table.rows:
            for cell, width in zip(row.cells, widths_mm, strict=True):
                cell.width = Mm(width)
        return table

    def rule(self, colour: str = "FF0000"):
        """A full-width line (the red separator line under a 公文's header, 版头分隔线)."""
        paragraph = self.document.add_paragraph()
        fmt = paragraph.paragraph_format
        fmt.first_line_indent = Pt(0)
        fmt.line_spacing = Pt(8)
        fmt.space_after = Pt(14)
        border = OxmlElement("w:pBdr")
        bottom = OxmlElement("w:bottom")
        for name, value in (("val", "single"), ("sz", "12"), ("space", "1"), ("color", colour)):
            bottom.set(qn(f"w:{name}"), value)
        border.append(bottom)
        paragraph._p.get_or_add_pPr().insert_element_before(border, *PPR_AFTER_BORDER)
        return paragraph

    @staticmethod
    def _cell(cell, text, *, bold=False, center=False, paragraph=None):
        paragraph = paragraph or cell.paragraphs[0]
        fmt = paragraph.paragraph_format
        fmt.first_line_indent = Pt(0)
        fmt.line_spacing = 1.15
        # Off the page's grid: a cell's 4号 lines would each take two of its 3号 lines.
        snap = OxmlElement("w:snapToGrid")
        snap.set(qn("w:val"), "0")
        ppr = paragraph._p.get_or_add_pPr()
        ppr.insert_element_before(
            snap, *PPR_AFTER_LINE_BREAKING[PPR_AFTER_LINE_BREAKING.index("w:spacing") :]
        )
        if center:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(str(text))
        run.font.size = PAGE_NUMBER_SIZE
        run.bold = bold
        if bold:
            set_fonts(run._r, HEADING_FONT)

    def new_section(self):
        """A new page starting a part that keeps the page set-up and numbering."""
        return self.document.add_section(WD_SECTION.NEW_PAGE)

    def start_numbered_part(self):
        """A new section on a new page, numbered from 1 (after an unnumbered cover and contents).

        Its footers are its own: the pages before keep none.
        """
        section = self.document.add_section(WD_SECTION.NEW_PAGE)
        self._number_pages(section)
        sectpr = section._sectPr
        numbering = sectpr.find(qn("w:pgNumType"))
        if numbering is None:
            numbering = OxmlElement("w:pgNumType")
            sectpr.insert_element_before(numbering, *SECTPR_AFTER_PAGE_NUMBERING)
        numbering.set(qn("w:start"), "1")
        self.numbered = True
        return section

    def to_bytes(self) -> bytes:
        output = io.BytesIO()
        self.document.save(output)
        return output.getvalue()


def add_field(run, instruction: str, placeholder: str = ""):
    """A Word field (PAGE, PAGEREF…) from `run` on, showing `placeholder` until updated.

    Each part of the field goes in a run of its own, formatted like `run`, as Word writes them.
    """
    anchor = run._r
    rpr = anchor.rPr

    def piece(element):
        r = OxmlElement("w:r")
        if rpr is not None:
            r.append(copy.deepcopy(rpr))
        r.append(element)
        return r

    def char(kind):
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        return element

    code = OxmlElement("w:instrText")
    code.set(qn("xml:space"), "preserve")
    code.text = f" {instruction} "
    shown = OxmlElement("w:t")
    shown.text = placeholder
    anchor.append(char("begin"))
    for element in reversed([code, char("separate"), shown, char("end")]):
        anchor.addnext(piece(element))
