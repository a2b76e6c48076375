from datetime import timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged

from .letter_common import LETTER_REPORT, LEVEL_LETTER_REPORT, LetterCommon


@tagged("post_install", "-at_install")
@freeze_time(LetterCommon.TODAY)
class TestLettersToday(LetterCommon):
    """A letter says what is true when it is printed, on the company's
    paper, and only collectors print the customers' letters."""

    def printer(self):
        return self.env["report.account_debt_recovery.report_debt_recovery_letter"]

    def test_letters_of_customers_paused_or_in_a_plan_are_left_out(self):
        paused = self.env["res.partner"].create(
            {"name": "Paused Since Ltd", "is_company": True}
        )
        planned = self.env["res.partner"].create(
            {"name": "Planned Since Ltd", "is_company": True}
        )
        self.invoice(300.0, self.days_ago(50), partner=paused)
        planned_invoice = self.invoice(400.0, self.days_ago(50), partner=planned)
        letters = self.letter_interaction(self.levels[2])
        paused_letter = self.letter_interaction(self.levels[2], partner=paused)
        planned_letter = self.letter_interaction(self.levels[2], partner=planned)
        # after the run prepared them: a pause, a plan
        self.followup(paused)._pause(self.TODAY + timedelta(days=9), "Audit")
        plan = self.env["debt.recovery.plan"].create(
            {"partner_id": planned.id, "invoice_ids": self.link(planned_invoice)}
        )
        plan._write_status({"state": "active"})
        everything = letters | paused_letter | planned_letter
        with patch.object(type(self.env["res.users"]), "_bus_send") as told:
            action = self.printer()._debt_print_letters(everything)
        self.assertEqual(action["context"]["active_ids"], letters.ids)
        self.assertEqual(letters.letter_state, "printed")
        self.assertEqual(
            set((paused_letter | planned_letter).mapped("letter_state")), {"withdrawn"}
        )
        message = told.call_args.args[1]["message"]
        self.assertIn("Paused Since Ltd: the follow-up is paused", message)
        self.assertIn("Planned Since Ltd: the overdue invoices are in a plan", message)
        self.assertTrue(self.interactions(paused, event="letter_withdrawn"))
        # a selection with nothing left to print says why, and prints nothing
        again = self.letter_interaction(self.levels[2], partner=paused)
        action = self.printer()._debt_print_letters(again)
        self.assertEqual(action["tag"], "display_notification")
        self.assertIn("the follow-up is paused", action["params"]["message"])
        self.assertEqual(again.letter_state, "withdrawn")

    def test_no_letter_for_a_customer_with_nothing_to_chase(self):
        quiet = self.env["res.partner"].create(
            {"name": "Quiet Ltd", "is_company": True}
        )
        followup = self.followup(quiet)
        with self.assertRaisesRegex(UserError, "Nothing is overdue for Quiet Ltd"):
            self.env["ir.actions.report"]._render_qweb_html(
                LEVEL_LETTER_REPORT, followup.ids
            )

    def test_only_collectors_render_the_letters(self):
        billing = new_test_user(
            self.env,
            login="letter_billing",
            groups="account.group_account_invoice",
            company_id=self.company.id,
        )
        letter = self.letter_interaction(self.levels[2])
        for report, records in (
            (LETTER_REPORT, letter),
            (LEVEL_LETTER_REPORT, self.followup()),
        ):
            with self.subTest(report=report), self.assertRaises(AccessError):
                self.env["ir.actions.report"].with_user(billing)._render_qweb_html(
                    report, records.ids
                )

    def test_a_letter_without_its_styling_is_refused_not_printed(self):
        """When the server does not answer at the report URL, wkhtmltopdf
        would print letters without letterhead: the print is refused."""
        self.env["ir.config_parameter"].sudo().set_param(
            "report.url", "http://127.0.0.1:9"
        )
        letter = self.letter_interaction(self.levels[2])
        with (
            self.allow_pdf_render(),
            self.assertRaisesRegex(
                UserError, "cannot be printed on the company's paper"
            ),
        ):
            self.printer().with_context(
                force_report_rendering=True
            )._debt_print_letters(letter)
        self.assertEqual(letter.letter_state, "to_print")
        self.assertFalse(letter.letter_attachment_id)
        if HttpCase.http_port():
            self.env["ir.config_parameter"].sudo().set_param(
                "report.url", HttpCase.base_url()
            )
