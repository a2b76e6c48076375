from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from .xlsx_common import AS_OF, HEADER, XlsxExportCommon


@tagged("post_install", "-at_install")
@freeze_time(XlsxExportCommon.TODAY)
class TestXlsxFigures(XlsxExportCommon):
    """The accountants' workbook: amounts as they stood at the end of the
    as-of date, read back cell by cell."""

    def test_overview_figures_at_the_as_of_date(self):
        _wizard, _action, book = self.export()
        self.assertEqual(
            book.sheetnames, ["Overview", "Open Items", "Interactions", "Payment Plans"]
        )
        rows = self.by_customer(book["Overview"])
        self.assertEqual(set(rows), {"Bad Payer", "Second Customer"})
        bad = rows["Bad Payer"]
        expected = {
            "Reference": "BP-1",
            "Total Due": 1950.0,
            "Overdue": 1650.0,
            "Not Due": 300.0,
            "1-30 Days": 500.0,
            "31-60 Days": 1000.0,
            "61-90 Days": 0.0,
            "Over 90 Days": 150.0,
            "Unallocated Credits": 0.0,
            "Oldest Days Overdue": 100,
            "Company": self.company.name,
        }
        self.assertEqual({key: bad[key] for key in expected}, expected)
        # the open credit note is an unallocated credit, whatever its date: it
        # reduces what is overdue, and is not aged
        second = rows["Second Customer"]
        self.assertEqual(
            (
                second["Total Due"],
                second["Overdue"],
                second["61-90 Days"],
                second["1-30 Days"],
                second["Unallocated Credits"],
            ),
            (300.0, 300.0, 400.0, 0.0, -100.0),
        )
        self.assertEqual(second["Oldest Days Overdue"], 70)
        # real numbers, not text
        sheet = book["Overview"]
        header = [cell.value for cell in sheet[HEADER]]
        row = next(
            row
            for row in sheet.iter_rows(min_row=HEADER + 1)
            if row[0].value == "Bad Payer"
        )
        for column in ("Total Due", "Overdue", "Over 90 Days", "Oldest Days Overdue"):
            self.assertEqual(row[header.index(column)].data_type, "n", column)
        self.assertIn(
            self.company.currency_id.symbol,
            row[header.index("Total Due")].number_format,
        )

    def test_totals_equal_the_receivable_balance_of_the_ledger(self):
        _wizard, _action, book = self.export()
        sheet = book["Overview"]
        header, rows, after = self.table(sheet)
        total_column = header.index("Total Due")
        ledger = self.ledger_balance(self.customer | self.second)
        for row in rows:
            partner = self.customer if row[0] == "Bad Payer" else self.second
            self.assertAlmostEqual(row[total_column], ledger[partner])
        total, control = after
        self.assertEqual(total[0], f"Total {self.company.name}")
        self.assertAlmostEqual(total[total_column], 2250.0)
        self.assertAlmostEqual(total[total_column], sum(ledger.values()))
        self.assertAlmostEqual(total[header.index("Over 90 Days")], 150.0)
        self.assertIn("Receivable balance in the ledger", control[0])
        self.assertAlmostEqual(control[total_column], 2250.0)
        # the items add up to the same balance
        header, items, after = self.table(book["Open Items"])
        residual = header.index("Residual")
        self.assertAlmostEqual(sum(row[residual] for row in items), 2250.0)
        self.assertAlmostEqual(after[0][residual], 2250.0)

    def test_receivable_without_customer_keeps_the_total_whole(self):
        entry = self.env["account.move"].create(
            {
                "move_type": "entry",
                "date": AS_OF - timedelta(days=1),
                "journal_id": self.company_data["default_journal_misc"].id,
                "line_ids": [
                    Command.create(
                        {
                            "account_id": self.company_data[
                                "default_account_receivable"
                            ].id,
                            "debit": 80.0,
                        }
                    ),
                    Command.create(
                        {
                            "account_id": self.company_data[
                                "default_account_revenue"
                            ].id,
                            "credit": 80.0,
                        }
                    ),
                ],
            }
        )
        entry.action_post()
        _wizard, _action, book = self.export()
        header, rows, after = self.table(book["Overview"])
        total_column = header.index("Total Due")
        self.assertEqual(rows[-1][0], "Unknown customer")
        self.assertEqual(rows[-1][total_column], 80.0)
        ledger = self.env["account.move.line"]._read_group(
            [
                ("company_id", "=", self.company.id),
                ("account_id.account_type", "=", "asset_receivable"),
                ("parent_state", "=", "posted"),
                ("date", "<=", AS_OF),
            ],
            aggregates=["balance:sum"],
        )[0][0]
        self.assertAlmostEqual(ledger, 2330.0)
        self.assertEqual([row[total_column] for row in after], [ledger, ledger])
        # a customer filter leaves it out
        _wizard, _action, book = self.export(partner_ids=[Command.set(self.second.ids)])
        self.assertEqual(set(self.by_customer(book["Overview"])), {"Second Customer"})

    def test_payment_after_the_date_is_not_deducted(self):
        self.assertEqual(self.inv_mid.payment_state, "paid")
        _wizard, _action, book = self.export()
        header, rows, _after = self.table(book["Open Items"])
        items = {
            row[header.index("Document")]: dict(zip(header, row, strict=True))
            for row in rows
        }
        mid = items[self.inv_mid.name]
        self.assertEqual(mid["Residual"], 1000.0)
        self.assertEqual(mid["Days Overdue"], 45)
        self.assertEqual(mid["Aging"], "31-60 Days")
        self.assertEqual(mid["Due Date"], datetime(2026, 1, 6))
        # partially paid before the date: what was left then
        self.assertEqual(items[self.inv_old.name]["Residual"], 150.0)
        self.assertEqual(items[self.inv_old.name]["Amount"], 200.0)
        # dated after the as-of date: not there yet
        self.assertNotIn(self.inv_later.name, items)
        self.assertEqual(items[self.refund_second.name]["Residual"], -100.0)
        self.assertIsNone(items[self.refund_second.name]["Days Overdue"])
        self.assertEqual(items[self.refund_second.name]["Aging"], "Unallocated Credits")
        # the same export today: the payments are deducted
        _wizard, _action, book = self.export(date_to=self.TODAY)
        header, rows, _after = self.table(book["Open Items"])
        documents = [row[header.index("Document")] for row in rows]
        self.assertNotIn(self.inv_mid.name, documents)
        self.assertIn(self.inv_later.name, documents)
        today = self.by_customer(book["Overview"])
        self.assertEqual(today["Second Customer"]["Total Due"], -100.0)
        self.assertEqual(today["Bad Payer"]["Total Due"], 150.0 + 500.0 + 300.0 + 700.0)

    def test_items_cells_are_typed_and_flag_what_the_ladder_skips(self):
        self.dispute(self.inv_recent, "Wrong price")
        self.inv_future.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        ).no_followup = True
        _wizard, _action, book = self.export()
        sheet = book["Open Items"]
        header, rows, _after = self.table(sheet)
        # four invoices of Bad Payer; an invoice and a credit note of Second
        self.assertEqual(len(rows), 6)
        items = {
            row[header.index("Document")]: dict(zip(header, row, strict=True))
            for row in rows
        }
        recent = items[self.inv_recent.name]
        self.assertIs(recent["Disputed"], True)
        self.assertIsNone(recent["No Follow-up"])  # an empty cell means no
        self.assertNotIn("Company", header)  # one company: in the title only
        self.assertIs(items[self.inv_future.name]["No Follow-up"], True)
        self.assertIsNone(items[self.inv_future.name]["Days Overdue"])
        self.assertEqual(items[self.inv_future.name]["Aging"], "Not Due")
        self.assertEqual(recent["Customer"], "Bad Payer")
        self.assertEqual(recent["Reference"], "BP-1")
        self.assertEqual(recent["Type"], "Customer Invoice")
        self.assertEqual(recent["Currency"], self.company.currency_id.name)
        self.assertEqual(recent["Amount in Currency"], 500.0)
        self.assertIsInstance(recent["Invoice Date"], datetime)
        self.assertIsInstance(recent["Accounting Date"], datetime)
        self.assertIsInstance(recent["Days Overdue"], int)
        # customers in name order, their items by due date
        self.assertEqual(
            [row[header.index("Document")] for row in rows],
            [
                self.inv_old.name,
                self.inv_mid.name,
                self.inv_recent.name,
                self.inv_future.name,
                self.inv_second.name,
                self.refund_second.name,
            ],
        )
        cell = sheet.cell(HEADER + 1, header.index("Residual") + 1)
        self.assertEqual(cell.data_type, "n")
        self.assertIn(self.company.currency_id.symbol, cell.number_format)
        self.assertTrue(sheet.cell(HEADER + 1, header.index("Due Date") + 1).is_date)

    def test_foreign_currency_item_shows_both_residuals(self):
        currency = self.setup_other_currency("EUR", rates=[("2025-01-01", 2.0)])
        invoice = self.invoice(
            800.0,
            AS_OF - timedelta(days=3),
            partner=self.second,
            currency_id=currency.id,
        )
        self.pay(invoice, 200.0, payment_date=AS_OF - timedelta(days=1))
        _wizard, _action, book = self.export()
        sheet = book["Open Items"]
        header, rows, _after = self.table(sheet)
        index = [row[header.index("Document")] for row in rows].index(invoice.name)
        item = dict(zip(header, rows[index], strict=True))
        self.assertEqual(item["Currency"], "EUR")
        self.assertEqual(item["Amount in Currency"], 800.0)
        self.assertEqual(item["Residual in Currency"], 600.0)
        self.assertEqual(item["Amount"], 400.0)
        self.assertEqual(item["Residual"], 300.0)
        cell = sheet.cell(HEADER + 1 + index, header.index("Residual in Currency") + 1)
        self.assertIn(currency.symbol, cell.number_format)
        overview = self.by_customer(book["Overview"])
        ledger = self.ledger_balance(self.second)
        self.assertAlmostEqual(
            overview["Second Customer"]["Total Due"], ledger[self.second]
        )
