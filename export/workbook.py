"""Write the sheets of the debt recovery export with xlsxwriter.

Plain Python, no ORM: the export wizard collects the data, this module lays it
out. Every sheet looks the same: a title row (companies, date), a filters row,
a header row frozen with an autofilter, typed cells (numbers, dates, booleans;
amounts in their currency's format) and, below the data, a total per group.
Every sheet prints the same way too: landscape, one page wide, the header row
on every page. The workbook is written with ``constant_memory``: rows go to
disk as they come, so a sheet can be fed by a generator of any length.
"""

from dataclasses import dataclass, field, replace
from typing import Any

import xlsxwriter

TITLE_ROW = 0
FILTERS_ROW = 1
HEADER_ROW = 3
# A header is never clipped: a column is at least as wide as its label plus
# this margin (in characters), whatever the width its values need.
HEADER_MARGIN = 2
# Excel forbids these in sheet names, and a name has 31 characters at most.
SHEET_NAME_FORBIDDEN = str.maketrans({char: " " for char in "[]:*?/\\"})
# strftime directives of Odoo's language date formats -> Excel number formats
STRFTIME_TO_EXCEL = {
    "%d": "dd",
    "%e": "d",
    "%m": "mm",
    "%b": "mmm",
    "%B": "mmmm",
    "%y": "yy",
    "%Y": "yyyy",
    "%a": "ddd",
    "%A": "dddd",
}


@dataclass(frozen=True)
class Column:
    """A column of a sheet: the ``key`` of its value in a row, its header
    ``label`` and its ``kind``: text, int, date, datetime, money or bool
    (written when true only, an empty cell meaning false).

    ``width`` is what the values need; the header widens it when longer. A
    money column names in ``currency`` the key of the row value that holds
    the currency id of its amount. ``total`` columns are summed at the bottom
    of the sheet.
    """

    key: str
    label: Any  # a text, or a lazy translation until ``translated``
    kind: str = "text"
    width: int = 12
    currency: str | None = None
    total: bool = False

    @classmethod
    def money(cls, key, label, currency="currency_id", total=False):
        """An amount in the currency whose id is the row value ``currency``."""
        return cls(key, label, "money", 14, currency=currency, total=total)

    def translated(self, env):
        """This column with its label in the language of ``env``."""
        return replace(self, label=env._(self.label))

    @property
    def print_width(self):
        return max(self.width, len(self.label) + HEADER_MARGIN)


@dataclass
class Sheet:
    """What one sheet shows: ``rows`` is any iterable of dicts keyed by column
    key (they may hold more values, such as currency ids), read once.

    ``total_by`` is the key of the row value that groups the totals (the
    company); ``footer`` rows come after the totals: ``(label, {column key:
    (value, currency id)})``.
    """

    name: str
    title: str
    columns: list[Column]
    rows: Any
    empty: bool
    total_by: str | None = None
    freeze_columns: int = 1
    footer: list = field(default_factory=list)


def excel_date_format(strftime_format):
    """The Excel number format of an Odoo language date format."""
    result = strftime_format or "%Y-%m-%d"
    for directive, excel in STRFTIME_TO_EXCEL.items():
        result = result.replace(directive, excel)
    return result if "%" not in result else "yyyy-mm-dd"


class DebtRecoveryWorkbook:
    """An xlsxwriter workbook with the formats of the export."""

    def __init__(self, fileobj, currencies, total_label, date_format="%Y-%m-%d"):
        """``currencies``: ``{currency id: (symbol, position, decimal places)}``;
        ``total_label(group)``: the (translated) label of a total row."""
        self.book = xlsxwriter.Workbook(
            fileobj,
            {
                "constant_memory": True,
                # text stays text: no formula, URL or number guessed from it
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "strings_to_numbers": False,
            },
        )
        self.currencies = currencies
        self.total_label = total_label
        excel_date = excel_date_format(date_format)
        add = self.book.add_format
        self.formats = {
            "title": add({"bold": True, "font_size": 14}),
            "filters": add({"italic": True, "font_color": "#555555"}),
            "header": add(
                {
                    "bold": True,
                    "bg_color": "#DDE4EE",
                    "bottom": 1,
                    "text_wrap": True,
                    "valign": "top",
                }
            ),
            "int": add({"num_format": "0"}),
            "date": add({"num_format": excel_date}),
            "datetime": add({"num_format": f"{excel_date} hh:mm"}),
            "total_label": add({"bold": True, "top": 1}),
            "total_blank": add({"top": 1}),
        }
        self._money_formats = {}

    # ------------------------------------------------------------------
    def money_format(self, currency_id, total=False):
        key = (currency_id, total)
        if key not in self._money_formats:
            symbol, position, decimals = self.currencies.get(
                currency_id, ("", "after", 2)
            )
            number = "#,##0" + ("." + "0" * decimals if decimals else "")
            symbol = symbol.replace('"', "")
            if symbol and position == "before":
                number = f'"{symbol}" {number}'
            elif symbol:
                number = f'{number} "{symbol}"'
            properties = {"num_format": number}
            if total:
                properties.update(bold=True, top=1)
            self._money_formats[key] = self.book.add_format(properties)
        return self._money_formats[key]

    def write_sheet(self, sheet, title, filters):
        """Write ``sheet``; returns the number of data rows written."""
        name = sheet.name.translate(SHEET_NAME_FORBIDDEN)[:31]
        worksheet = self.book.add_worksheet(name)
        columns = sheet.columns
        self._set_up_page(worksheet, columns)
        worksheet.write_string(TITLE_ROW, 0, title, self.formats["title"])
        worksheet.write_string(FILTERS_ROW, 0, filters, self.formats["filters"])
        for index, column in enumerate(columns):
            worksheet.write_string(
                HEADER_ROW, index, column.label, self.formats["header"]
            )

        totals = {}  # {group: {column key: [sum, currency id]}}
        summed = [column for column in columns if column.total]
        writers = self._cell_writers(worksheet, columns)
        row_index = HEADER_ROW
        for row in sheet.rows:
            row_index += 1
            self._write_row(row_index, writers, row)
            if summed:
                group = row[sheet.total_by] if sheet.total_by else ""
                group_totals = totals.setdefault(group, {})
                for column in summed:
                    value = row.get(column.key)
                    if value is not None:
                        entry = group_totals.setdefault(
                            column.key, [0.0, row.get(column.currency)]
                        )
                        entry[0] += value
        last_data_row = row_index

        worksheet.freeze_panes(HEADER_ROW + 1, sheet.freeze_columns)
        worksheet.autofilter(
            HEADER_ROW, 0, max(last_data_row, HEADER_ROW), len(columns) - 1
        )

        row_index += 1  # a blank row keeps the totals out of the filtered range
        for group, group_totals in totals.items():
            row_index += 1
            self._write_total(worksheet, row_index, columns, group, group_totals)
        for label, cells in sheet.footer:
            row_index += 1
            self._write_total(worksheet, row_index, columns, label, cells, prefix=False)
        return last_data_row - HEADER_ROW

    def close(self):
        self.book.close()

    # ------------------------------------------------------------------
    def _set_up_page(self, worksheet, columns):
        """Column widths that show every header whole, and a printout that
        reads like the screen: landscape, every column on one page wide (as
        many pages tall as needed), the header row repeated on each page."""
        for index, column in enumerate(columns):
            worksheet.set_column(index, index, column.print_width)
        worksheet.set_landscape()
        worksheet.fit_to_pages(1, 0)
        worksheet.repeat_rows(HEADER_ROW)
        worksheet.set_footer("&C&P / &N")

    def _cell_writers(self, worksheet, columns):
        """One ``(index, key, write, format, currency key)`` per column, worked
        out once per sheet: the rows are many."""
        writers = {
            "money": worksheet.write_number,
            "int": worksheet.write_number,
            "date": worksheet.write_datetime,
            "datetime": worksheet.write_datetime,
            "bool": worksheet.write_boolean,
            "text": worksheet.write_string,
        }
        return [
            (
                index,
                column.key,
                writers[column.kind],
                self.formats.get(column.kind),
                column.currency if column.kind == "money" else None,
            )
            for index, column in enumerate(columns)
        ]

    def _write_row(self, row_index, writers, row):
        """Empty values (None, False, an empty text) leave the cell empty: a
        boolean cell is written when true only."""
        money_formats = self._money_formats
        for index, key, write, cell_format, currency in writers:
            value = row.get(key)
            if value is None or value is False or value == "":
                continue
            if currency is not None:
                format_key = (row.get(currency), False)
                cell_format = money_formats.get(format_key) or self.money_format(
                    format_key[0]
                )
            write(row_index, index, value, cell_format)

    def _write_total(self, worksheet, row_index, columns, label, cells, prefix=True):
        text = self.total_label(label) if prefix else label
        worksheet.write_string(row_index, 0, text, self.formats["total_label"])
        for index, column in enumerate(columns[1:], start=1):
            if column.key in cells:
                value, currency_id = cells[column.key]
                decimals = self.currencies.get(currency_id, ("", "after", 2))[2]
                worksheet.write_number(
                    row_index,
                    index,
                    round(value, decimals),
                    self.money_format(currency_id, total=True),
                )
            else:
                worksheet.write_blank(
                    row_index, index, None, self.formats["total_blank"]
                )
