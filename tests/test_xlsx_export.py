from datetime import datetime, timedelta

from freezegun import freeze_time
from openpyxl.utils import get_column_letter

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from ..export import queries
from ..export.workbook import excel_date_format
from .xlsx_common import AS_OF, HEADER, XlsxExportCommon


@tagged("post_install", "-at_install")
@freeze_time(XlsxExportCommon.TODAY)
class TestXlsxExport(XlsxExportCommon):
    """The accountants' workbook: its filters, layout and print settings,
    who may export what, and the follow-up state it shows."""

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
