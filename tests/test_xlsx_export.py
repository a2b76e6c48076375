import base64
import io
from datetime import datetime, timedelta

from freezegun import freeze_time
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from ..export import queries
from ..export.workbook import excel_date_format
from .common import DebtRecoveryCommon

HEADER = 4  # the header row of every sheet (openpyxl counts from 1)
AS_OF = DebtRecoveryCommon.TODAY - timedelta(days=10)  # 2026-02-20


@tagged("post_install", "-at_install")
@freeze_time(DebtRecoveryCommon.TODAY)
class TestXlsxExport(DebtRecoveryCommon):
    """The accountants' workbook: amounts as they stood at the end
    of the as-of date, read back cell by cell."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.second = cls.env["res.partner"].create(
            {"name": "Second Customer", "ref": "SC-2", "is_company": True}
        )
        cls.customer.ref = "BP-1"
        # Bad Payer, at AS_OF: 150 over 90 days, 1,000 at 31-60, 500 at 1-30,
        # 300 not due; an invoice of after AS_OF does not count.
        cls.inv_old = cls.invoice(200.0, AS_OF - timedelta(days=100))
        cls.inv_mid = cls.invoice(1000.0, AS_OF - timedelta(days=45))
        cls.inv_recent = cls.invoice(500.0, AS_OF - timedelta(days=10))
        cls.inv_future = cls.invoice(300.0, AS_OF + timedelta(days=5))
        cls.inv_later = cls._create_invoice_one_line(
            price_unit=700.0,
            tax_ids=[],
            partner_id=cls.customer.id,
            invoice_date=AS_OF + timedelta(days=2),
            invoice_date_due=AS_OF + timedelta(days=30),
            post=True,
        )
        # Second Customer: 400 at 61-90 paid after AS_OF, and an open credit
        # note of 100 in the 1-30 bucket.
        cls.inv_second = cls.invoice(
            400.0, AS_OF - timedelta(days=70), partner=cls.second
        )
        cls.refund_second = cls.invoice(
            100.0,
            AS_OF - timedelta(days=20),
            partner=cls.second,
            move_type="out_refund",
        )

    def setUp(self):
        super().setUp()
        self.pay(self.inv_old, 50.0, payment_date=AS_OF - timedelta(days=5))
        self.pay(self.inv_mid, payment_date=self.TODAY - timedelta(days=3))
        self.pay(self.inv_second, payment_date=self.TODAY)

    # ------------------------------------------------------------------
    # helpers
    # ------------------------------------------------------------------
    def export(self, env=None, **values):
        wizard = (env or self.env)["debt.recovery.xlsx.export"].create(
            {"date_to": AS_OF, "date_from": AS_OF - timedelta(days=30), **values}
        )
        action = wizard.action_export()
        book = load_workbook(io.BytesIO(base64.b64decode(wizard.file_data)))
        return wizard, action, book

    def table(self, sheet):
        """(header, data rows, rows below the data) of a sheet."""
        header = [cell.value for cell in sheet[HEADER]]
        rows, after, target = [], [], None
        for row in sheet.iter_rows(min_row=HEADER + 1):
            values = [cell.value for cell in row]
            if target is None and all(value is None for value in values):
                target = after
                continue
            (target if target is not None else rows).append(values)
        return header, rows, after

    def by_customer(self, sheet):
        header, rows, _after = self.table(sheet)
        return {row[0]: dict(zip(header, row, strict=True)) for row in rows}

    def ledger_balance(self, partners, as_of=AS_OF, company=None):
        """What Odoo holds on the receivable accounts for these customers."""
        groups = self.env["account.move.line"]._read_group(
            [
                ("partner_id", "in", partners.ids),
                ("company_id", "=", (company or self.company).id),
                ("account_id.account_type", "=", "asset_receivable"),
                ("parent_state", "=", "posted"),
                ("date", "<=", as_of),
            ],
            groupby=["partner_id"],
            aggregates=["balance:sum"],
        )
        return {partner: balance for partner, balance in groups}

    # ------------------------------------------------------------------
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

    def test_layout_title_frozen_header_autofilter_widths(self):
        collector = new_test_user(
            self.env,
            login="xlsx_collector",
            groups="account_debt_recovery.group_debt_recovery_user",
        )
        self.set_collector(self.customer.with_company(self.company), collector)
        wizard, action, book = self.export(collector_ids=[Command.set(collector.ids)])
        self.assertEqual(action["type"], "ir.actions.act_url")
        self.assertEqual(
            action["url"],
            f"/web/content/debt.recovery.xlsx.export/{wizard.id}/file_data/"
            f"debt_recovery_2026-02-20.xlsx?download=true",
        )
        for sheet in book:
            title = sheet["A1"].value
            self.assertIn(self.company.name, title)
            self.assertIn("02/20/2026", title)
            self.assertIn("Collectors: xlsx_collector", sheet["A2"].value)
            self.assertEqual(sheet.freeze_panes, "B5")
            self.assertTrue(sheet.auto_filter.ref.startswith("A4:"))
            self.assertGreater(sheet.column_dimensions["A"].width, 15)
        overview = book["Overview"]
        header, rows, _after = self.table(overview)
        self.assertEqual(header[0], "Customer")
        self.assertEqual(header[-1], "Company")
        last_column = get_column_letter(len(header))
        self.assertEqual(
            overview.auto_filter.ref, f"A4:{last_column}{HEADER + len(rows)}"
        )

    def test_every_sheet_prints_landscape_one_page_wide_with_its_header(self):
        _wizard, _action, book = self.export()
        for sheet in book:
            with self.subTest(sheet=sheet.title):
                self.assertEqual(sheet.page_setup.orientation, "landscape")
                self.assertTrue(sheet.sheet_properties.pageSetUpPr.fitToPage)
                # one page wide (1 is the format's default, left out of the
                # file), as many pages tall as needed
                self.assertEqual(sheet.page_setup.fitToWidth or 1, 1)
                self.assertEqual(sheet.page_setup.fitToHeight, 0)
                self.assertEqual(
                    sheet.print_title_rows.replace("$", ""), f"{HEADER}:{HEADER}"
                )
                # no header is clipped: each column is wider than its label
                for index, cell in enumerate(sheet[HEADER], start=1):
                    width = sheet.column_dimensions[get_column_letter(index)].width
                    self.assertGreater(width, len(cell.value), cell.value)

    def test_filters_collector_level_status_minimum(self):
        collector = new_test_user(
            self.env,
            login="xlsx_collector",
            groups="account_debt_recovery.group_debt_recovery_user",
        )
        self.set_collector(self.second.with_company(self.company), collector)
        self.set_state(self.second, level_id=self.levels[0].id)
        with freeze_time(self.TODAY):
            self.followup(self.second)._pause(self.TODAY + timedelta(days=30), "Audit")
        cases = {
            "collector_ids": [Command.set(collector.ids)],
            "level_ids": [Command.set(self.levels[0].ids)],
            "status": "paused",
        }
        for field_name, value in cases.items():
            with self.subTest(filter=field_name):
                _wizard, _action, book = self.export(**{field_name: value})
                self.assertEqual(
                    set(self.by_customer(book["Overview"])), {"Second Customer"}
                )
                header, rows, _after = self.table(book["Open Items"])
                self.assertEqual({row[0] for row in rows}, {"Second Customer"})
        _wizard, _action, book = self.export(min_overdue=1000.0)
        self.assertEqual(set(self.by_customer(book["Overview"])), {"Bad Payer"})
        _wizard, _action, book = self.export(
            partner_ids=[Command.set(self.contact.ids)]
        )
        self.assertEqual(set(self.by_customer(book["Overview"])), {"Bad Payer"})

    def test_partner_list_selection_is_the_default_filter(self):
        wizard = (
            self.env["debt.recovery.xlsx.export"]
            .with_context(active_model="res.partner", active_ids=self.contact.ids)
            .create({"date_to": AS_OF})
        )
        self.assertEqual(wizard.partner_ids, self.customer)
        self.assertEqual(wizard.company_ids, self.company)
        # the interactions of the month that ends on the as-of date
        self.assertEqual(wizard.date_from, AS_OF - timedelta(days=30))
        action = self.env.ref("account_debt_recovery.debt_recovery_xlsx_export_action")
        self.assertEqual(action.binding_model_id.model, "res.partner")
        self.assertEqual(action.binding_view_types, "list")

    def test_empty_filter_result_is_refused_and_writes_nothing(self):
        wizard = self.env["debt.recovery.xlsx.export"].create(
            {"date_to": AS_OF, "status": "escalated"}
        )
        with self.assertRaisesRegex(UserError, "Nothing to export"):
            wizard.action_export()
        self.assertFalse(wizard.file_data)
        wizard = self.env["debt.recovery.xlsx.export"].create(
            {"date_to": AS_OF - timedelta(days=400)}
        )
        self.assertEqual(wizard.date_from, AS_OF - timedelta(days=400 + 30))
        with self.assertRaisesRegex(UserError, "Nothing to export"):
            wizard.action_export()
        self.assertFalse(wizard.file_data)

    def test_companies_are_exported_side_by_side_with_their_own_totals(self):
        other = self.setup_other_company(name="Company B")
        self.invoice(250.0, AS_OF - timedelta(days=35), company_data=other)
        both = self.company | other["company"]
        env = self.env(context=dict(self.env.context, allowed_company_ids=both.ids))
        _wizard, _action, book = self.export(env=env)
        self.assertEqual(len(self.by_customer(book["Overview"])), 2)  # company A only
        _wizard, _action, book = self.export(
            env=env, company_ids=[Command.set(both.ids)]
        )
        header, rows, after = self.table(book["Overview"])
        total = header.index("Total Due")
        self.assertEqual(
            sorted((row[0], row[-1], row[total]) for row in rows),
            [
                ("Bad Payer", "Company B", 250.0),
                ("Bad Payer", self.company.name, 1950.0),
                ("Second Customer", self.company.name, 300.0),
            ],
        )
        header_items, items, _after = self.table(book["Open Items"])
        self.assertEqual(header_items[-1], "Company")  # several companies: a column
        self.assertEqual(
            sorted(row[-1] for row in items),
            ["Company B", *[self.company.name] * 6],
        )
        totals = {row[0]: row[total] for row in after}
        self.assertEqual(totals[f"Total {self.company.name}"], 2250.0)
        self.assertEqual(totals["Total Company B"], 250.0)
        self.assertIn(self.company.name, book["Overview"]["A1"].value)
        self.assertIn("Company B", book["Overview"]["A1"].value)
        # a company one is not working in cannot be exported
        only_a = self.env(
            context=dict(self.env.context, allowed_company_ids=self.company.ids)
        )
        wizard = only_a["debt.recovery.xlsx.export"].create(
            {"date_to": AS_OF, "company_ids": [Command.set(both.ids)]}
        )
        with self.assertRaises(AccessError):
            wizard.action_export()
        # and the queries keep the record rules: company B's ledger is out of
        # the reach of one working in company A only
        company_b = other["company"]
        for query_env, count in ((env, 1), (only_a, 0)):
            figures = queries.partner_figures_query(query_env, company_b, AS_OF)
            self.assertEqual(len(queries.rows(query_env, figures)), count)

    def test_last_contact_promise_and_interactions_of_the_period(self):
        Interaction = self.env["debt.recovery.interaction"]
        with freeze_time(AS_OF - timedelta(days=3)):
            Interaction.create(
                {
                    "partner_id": self.customer.id,
                    "date": datetime(2026, 2, 17, 10, 30),
                    "channel": "phone",
                    "outcome": "promise",
                    "promise_date": AS_OF + timedelta(days=2),
                    "promise_amount": 500.0,
                    "summary": "Promised half",
                }
            )
        # logged after the as-of date: not in the period, but the follow-up's
        # last contact now, as the worklist shows it
        Interaction.create(
            {
                "partner_id": self.customer.id,
                "channel": "email",
                "outcome": "no_answer",
                "summary": "Reminder after the date",
            }
        )
        # an internal note is no contact
        Interaction.create(
            {"partner_id": self.customer.id, "channel": "note", "summary": "Note"}
        )
        _wizard, _action, book = self.export()
        bad = self.by_customer(book["Overview"])["Bad Payer"]
        followup = self.followup()
        self.assertEqual(
            bad["Last Contact"].date(),
            fields.Datetime.context_timestamp(
                followup, followup.last_contact_date
            ).date(),
        )
        self.assertEqual(bad["Last Contact"], datetime(2026, 3, 2))
        self.assertEqual(bad["Last Contact Channel"], "Email")
        self.assertEqual(bad["Last Contact Outcome"], "No Answer")
        # the follow-up's promise: the open one
        self.assertEqual(followup.promise_date, AS_OF + timedelta(days=2))
        self.assertEqual(bad["Promise Date"], datetime(2026, 2, 22))
        self.assertEqual(bad["Promise Amount"], 500.0)
        self.assertEqual(bad["Promise Status"], "Open")
        header, rows, _after = self.table(book["Interactions"])
        logged = [dict(zip(header, row, strict=True)) for row in rows]
        self.assertEqual([entry["Summary"] for entry in logged], ["Promised half"])
        self.assertIsInstance(logged[0]["Date"], datetime)
        self.assertEqual(logged[0]["Customer"], "Bad Payer")
        self.assertEqual(logged[0]["Outcome"], "Promise to Pay")

    def test_follow_up_state_comes_from_the_follow_up(self):
        collector = new_test_user(
            self.env,
            login="xlsx_collector",
            groups="account_debt_recovery.group_debt_recovery_user",
        )
        salesperson = new_test_user(self.env, login="xlsx_salesperson")
        self.second.user_id = salesperson
        self.set_collector(self.customer, collector)
        self.set_state(
            level_id=self.levels[1].id, next_action_date=self.TODAY + timedelta(days=3)
        )
        self.followup(self.second)._pause(self.TODAY + timedelta(days=30), "Audit")
        _wizard, _action, book = self.export()
        rows = self.by_customer(book["Overview"])
        bad, second = rows["Bad Payer"], rows["Second Customer"]
        Followup = self.env["debt.recovery.followup"]
        statuses = dict(Followup._fields["status"]._description_selection(self.env))
        self.assertEqual(
            {key: bad[key] for key in ("Collector", "Policy", "Level", "Status")},
            {
                "Collector": collector.name,
                "Policy": self.policy.name,
                "Level": self.levels[1].name,
                "Status": statuses[self.followup().status],
            },
        )
        self.assertEqual(bad["Next Action"], datetime(2026, 3, 5))
        # no collector: the salesperson works the customer
        self.assertEqual(second["Collector"], salesperson.name)
        self.assertEqual(second["Status"], "Paused")
        self.assertIsNone(second["Level"])

    def test_payment_plans_sheet_lists_the_instalments(self):
        Plan = self.env["debt.recovery.plan"]
        Instalment = self.env["debt.recovery.plan.instalment"]
        with freeze_time(AS_OF - timedelta(days=2)):
            plan = Plan.create(
                {
                    "partner_id": self.customer.id,
                    "invoice_ids": [Command.set(self.inv_recent.ids)],
                    "date_start": AS_OF + timedelta(days=10),
                    "frequency": "monthly",
                    "instalment_ids": [
                        Command.create(values)
                        for values in Instalment._schedule(
                            500.0,
                            self.company.currency_id,
                            AS_OF + timedelta(days=10),
                            "monthly",
                            count=2,
                        )
                    ],
                }
            )
            plan.action_activate()
        _wizard, _action, book = self.export()
        header, rows, _after = self.table(book["Payment Plans"])
        instalments = [dict(zip(header, row, strict=True)) for row in rows]
        self.assertEqual([entry["Instalment"] for entry in instalments], [1, 2])
        self.assertEqual([entry["Amount"] for entry in instalments], [250.0, 250.0])
        self.assertEqual(instalments[0]["Payment Plan"], plan.name)
        self.assertEqual(instalments[0]["Plan Status"], "Active")
        self.assertEqual(instalments[0]["Due Date"], datetime(2026, 3, 2))
        self.assertEqual(instalments[0]["Plan Total"], 500.0)
        bad = self.by_customer(book["Overview"])["Bad Payer"]
        self.assertEqual(bad["Payment Plan"], plan.name)
        self.assertEqual(bad["Next Instalment"], datetime(2026, 3, 2))
        self.assertEqual(bad["Instalment Amount"], 250.0)
        header, rows, _after = self.table(book["Open Items"])
        plans = {
            row[header.index("Document")]: row[header.index("Payment Plan")]
            for row in rows
        }
        self.assertEqual(plans[self.inv_recent.name], plan.name)
        self.assertIsNone(plans[self.inv_old.name])

    def test_collector_can_export(self):
        collector = new_test_user(
            self.env,
            login="xlsx_collector",
            groups="account_debt_recovery.group_debt_recovery_user",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        _wizard, _action, book = self.export(env=self.env(user=collector))
        self.assertEqual(
            set(self.by_customer(book["Overview"])), {"Bad Payer", "Second Customer"}
        )

    def test_excel_date_format_follows_the_language(self):
        self.assertEqual(excel_date_format("%m/%d/%Y"), "mm/dd/yyyy")
        self.assertEqual(excel_date_format("%d.%m.%y"), "dd.mm.yy")
        self.assertEqual(excel_date_format("%j"), "yyyy-mm-dd")  # unknown: ISO
