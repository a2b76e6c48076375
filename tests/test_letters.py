import subprocess
import tempfile
from datetime import timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import HttpCase, tagged

from odoo.addons.base.models import ir_actions_report

from .letter_common import (
    LETTER_REPORT,
    LEVEL_LETTER_REPORT,
    STATEMENT_REPORT,
    LetterCommon,
    plain,
)


def pdf_text(content):
    """The text of a PDF, read back with pdftotext (poppler-utils)."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as pdf:
        pdf.write(content)
        pdf.flush()
        result = subprocess.run(
            ["pdftotext", "-layout", pdf.name, "-"],
            capture_output=True,
            check=True,
            text=True,
        )
    return " ".join(result.stdout.replace("\xa0", " ").split())


@tagged("post_install", "-at_install")
@freeze_time(LetterCommon.TODAY)
class TestLetters(LetterCommon):
    """The letters (QWeb on the company letterhead, one tone per level), the
    customer statement, and printing the letters to print in one go."""

    def setup_pdf_rendering(self):
        """wkhtmltopdf fetches the report styles from the test server."""
        params = self.env["ir.config_parameter"].sudo()
        params.set_param("report.print_delay", "100")
        if HttpCase.http_port():
            params.set_param("report.url", HttpCase.base_url())

    def render(self, report, records, data=None):
        html, _format = self.env["ir.actions.report"]._render_qweb_html(
            report, records.ids, data=data
        )
        return plain(html)

    def test_letter_of_each_tone(self):
        phrases = {
            "courteous": [
                "A gentle reminder",
                "crossed in the post",
                "Thank you for your business",
            ],
            "firm": [
                "Overdue invoices: second reminder",
                "a payment plan that suits you",
                "Please settle the balance by "
                + self.date(self.TODAY + timedelta(days=7)),
            ],
            "formal": [
                "Statement of overdue account",
                "formal statement of the amounts overdue",
                "suspend credit on your account",
                "We ask you to pay the full balance by "
                + self.date(self.TODAY + timedelta(days=10)),
            ],
            "final": [
                "Final notice before collection",
                "This is our final notice",
                "Unless the balance is paid, or a payment plan agreed with us, by "
                + self.date(self.TODAY + timedelta(days=14)),
                "passed to a collection agency",
                "we will agree a payment plan",
            ],
        }
        closings = {
            "courteous": "Kind regards,",
            "firm": "Kind regards,",
            "formal": "Yours sincerely,",
            "final": "Yours sincerely,",
        }
        for level in self.levels:
            with self.subTest(tone=level.tone):
                interaction = self.letter_interaction(level)
                text = self.render(LETTER_REPORT, interaction)
                self.assert_overdue_content(text)
                self.assert_contains(
                    text,
                    *phrases[level.tone],
                    # letterhead, address window, date and reference
                    "1 Letterhead Street",
                    "42 Customer Road",
                    "Date: " + self.date(self.TODAY),
                    "Our reference: DR-%05d" % interaction.id,
                    "Customer account: C-1001",
                    "Dear Sir or Madam,",
                    f"{closings[level.tone]} Colette Collector {self.company.name}",
                )
                other_tones = set(phrases) - {level.tone}
                for tone in other_tones:
                    self.assertNotIn(phrases[tone][0], text)

    def test_letter_words_are_edited_in_the_level(self):
        level = self.levels[2]
        level.write(
            {
                "opening": "<p>We have written to you twice already.</p>",
                "title": "Our third letter",
                "deadline_days": 5,
                "deadline_text": "Pay by {date} at the latest.",
            }
        )
        text = self.render(LETTER_REPORT, self.letter_interaction(level))
        self.assert_contains(
            text,
            "We have written to you twice already.",
            "Our third letter",
            "Pay by " + self.date(self.TODAY + timedelta(days=5)) + " at the latest.",
            "suspend credit on your account",  # the standard closing stays
        )
        self.assertNotIn("formal statement of the amounts overdue", text)

    def test_letter_to_the_invoice_contact_and_net_balance(self):
        self.contact.write({"type": "invoice", "street": "7 Billing Lane"})
        credit_note = self._create_invoice_one_line(
            move_type="out_refund",
            price_unit=100.0,
            tax_ids=[],
            partner_id=self.customer.id,
            invoice_date=self.days_ago(5),
            post=True,
        )
        text = self.render(LETTER_REPORT, self.letter_interaction(self.levels[2]))
        self.assert_contains(text, "Dear Ann Accounts,", "7 Billing Lane")
        net = self.state().debt_chased_amount
        # the credit is listed, and the net amount asked is the log's
        self.assert_contains(
            text,
            "Credits and payments not yet allocated to an invoice",
            credit_note.name,
            "Net amount due " + self.money(net, self.usd),
        )

    def test_letters_are_read_set_based(self):
        """Four more letters cost no more queries than one: the items, balances,
        contacts and bank accounts are read once for all."""
        others = self.env["res.partner"].create(
            [{"name": f"Customer {i}", "is_company": True} for i in range(4)]
        )
        for partner in others:
            self.invoice(100.0, self.days_ago(50), partner=partner)
        one = self.letter_interaction(self.levels[2])
        five = one
        for partner in others:
            five |= self.letter_interaction(self.levels[2], partner=partner)
        counts = []
        for letters in (one, five):
            self.render(LETTER_REPORT, letters)  # templates compiled, caches warm
            self.env.invalidate_all()
            before = self.cr.sql_log_count
            text = self.render(LETTER_REPORT, letters)
            counts.append(self.cr.sql_log_count - before)
        self.assertLessEqual(counts[1], counts[0] + 2, counts)
        for partner in others:
            self.assertIn(partner.name, text)

    def test_level_letter_of_a_customer(self):
        """The letter an email carries: the customer's letter at a level."""
        text = self.render(
            LEVEL_LETTER_REPORT, self.followup(), data={"level_id": self.levels[3].id}
        )
        self.assert_overdue_content(text)
        self.assertIn("Final notice before collection", text)
        self.assertNotIn("Our reference", text)

    def test_letter_is_printed_on_the_letter_company(self):
        other = self.setup_other_company(name="Other Letterhead Ltd")
        other_company = other["company"]
        other_company.street = "99 Other Avenue"
        customer = self.customer.with_company(other_company)
        self.invoice(500.0, self.days_ago(20), partner=customer, company_data=other)
        level = (
            self.env["debt.recovery.policy"]
            ._default_for_company(other_company)
            .level_ids[0]
        )
        letter = self.letter_interaction(level)
        text = self.render(LETTER_REPORT, letter)
        self.assert_contains(
            text,
            "Other Letterhead Ltd",
            "99 Other Avenue",
            self.money(500.0, other_company.currency_id),
        )
        self.assertNotIn(
            self.inv_old.name, text, "only the items of the letter's company"
        )
        self.assertNotIn("1 Letterhead Street", text)

    def test_french_partner_gets_french_letter(self):
        self.load_french()
        text = self.render(LETTER_REPORT, self.letter_interaction(self.levels[3]))
        self.assert_contains(
            text,
            "Dernier avis avant recouvrement",
            "Ceci est notre dernier avis",
            "Date limite : " + self.date(self.TODAY + timedelta(days=14), lang="fr_FR"),
            "Comment payer",
            "Jours de retard",
            "Colette Collector",
            "BE71 0961 2345 6769",
        )
        self.assertNotIn("Final notice", text)

    def test_default_levels_speak_the_installed_languages(self):
        self.load_french()
        company = self.env["res.company"].create({"name": "Société Française"})
        levels = (
            self.env["debt.recovery.policy"]
            ._default_for_company(company)
            .level_ids.sorted()
        )
        final = levels[3]
        self.assertIn("This is our final notice", final._texts("en_US")["opening"])
        self.assertIn("Ceci est notre dernier avis", final._texts("fr_FR")["opening"])
        self.assertEqual(final.with_context(lang="fr_FR").name, "Dernier avis")
        self.assertTrue(
            final.attach_letter, "the final notice email carries the letter"
        )

    def test_statement_lists_all_open_items_with_aging(self):
        credit_note = self._create_invoice_one_line(
            move_type="out_refund",
            price_unit=100.0,
            tax_ids=[],
            partner_id=self.customer.id,
            invoice_date=self.days_ago(5),
            invoice_date_due=self.TODAY,
            post=True,
        )
        text = self.render(STATEMENT_REPORT, self.customer)
        self.assert_contains(
            text,
            "Statement of Account",
            "1 Letterhead Street",
            "42 Customer Road",
            self.inv_old.name,
            self.inv_eur.name,
            self.inv_recent.name,
            self.inv_not_due.name,
            credit_note.name,
            self.money(2000.0, self.eur),
            "Not Due 1-30 Days 31-60 Days 61-90 Days Over 90 Days "
            "Unallocated Credits Total",
            "Colette Collector",
            "BE71 0961 2345 6769",
        )
        # aging in company currency: 2000 EUR at 2.0 = 1000 USD in 31-60 days;
        # the credit note is an unallocated credit, not an item not due
        lines = self.env["account.move.line"].search(
            [
                ("move_id", "in", (self.invoices | self.inv_not_due | credit_note).ids),
                ("account_id.account_type", "=", "asset_receivable"),
            ]
        )
        balance = sum(lines.mapped("amount_residual"))
        expected = " ".join(
            self.money(amount, self.usd)
            for amount in (300.0, 250.5, 1000.0, 1000.0, 0.0, -100.0, balance)
        )
        self.assertIn(expected, text)

    def test_print_letters_as_one_pdf(self):
        """Letters to print: one real PDF (patched wkhtmltopdf) for the
        selection, each letter on its own company's letterhead, stored on its
        interaction, all marked printed."""
        other = self.env["res.partner"].create(
            {
                "name": "Second Customer SA",
                "is_company": True,
                "street": "8 Second Street",
            }
        )
        other_invoice = self.invoice(640.0, self.days_ago(60), partner=other)
        branch = self.setup_other_company(name="Other Letterhead Ltd")
        branch["company"].write(
            {"street": "99 Other Avenue", "report_footer": "Other footer"}
        )
        branch_invoice = self.invoice(
            500.0, self.days_ago(20), partner=self.customer, company_data=branch
        )
        branch_level = (
            self.env["debt.recovery.policy"]
            ._default_for_company(branch["company"])
            .level_ids.sorted()[0]
        )
        first = self.letter_interaction(self.levels[2])
        middle = self.letter_interaction(branch_level)
        last = self.letter_interaction(self.levels[3], partner=other)
        letters = first | middle | last
        self.setup_pdf_rendering()
        Letters = self.env[
            "report.account_debt_recovery.report_debt_recovery_letter"
        ].with_context(force_report_rendering=True)
        with (
            self.allow_pdf_render(),
            patch.object(
                ir_actions_report,
                "_run_wkhtmltopdf",
                wraps=ir_actions_report._run_wkhtmltopdf,
            ) as wkhtmltopdf,
        ):
            action = Letters._debt_print_letters(letters)
            self.assertEqual(
                wkhtmltopdf.call_count, 1, "one wkhtmltopdf call for all the letters"
            )
            pdf, report_format = (
                self.env["ir.actions.report"]
                .with_context(force_report_rendering=True)
                ._render_qweb_pdf(LETTER_REPORT, letters.ids)
            )
            self.assertEqual(
                wkhtmltopdf.call_count, 1, "a reprint gives back the stored letters"
            )
        self.assertEqual(report_format, "pdf")
        self.assertEqual(action["type"], "ir.actions.report")
        self.assertEqual(action["context"]["active_ids"], letters.ids)
        self.assertEqual(set(letters.mapped("letter_state")), {"printed"})
        self.assertTrue(all(letters.mapped("letter_attachment_id")))
        self.assertEqual(first.letter_attachment_id.res_id, first.id)

        text = pdf_text(pdf)
        self.assert_contains(
            text,
            # letterhead (header) and footer
            self.company.name,
            "1 Letterhead Street",
            "Registered in Testland under number 0477.472.701",
            "Page 1 / 1",
            # address window, date and reference
            "42 Customer Road",
            "8 Second Street",
            "Our reference: DR-%05d" % first.id,
            "Date: " + self.date(self.TODAY),
            # the tables and the tones
            self.inv_old.name,
            self.money(2000.0, self.eur),
            other_invoice.name,
            "Statement of overdue account",
            "Final notice before collection",
            "Colette Collector",
        )
        # each letter is stored apart, on its own company's letterhead
        first_text = pdf_text(first.letter_attachment_id.raw)
        middle_text = pdf_text(middle.letter_attachment_id.raw)
        last_text = pdf_text(last.letter_attachment_id.raw)
        self.assert_contains(first_text, self.inv_old.name, "1 Letterhead Street")
        self.assertNotIn(other_invoice.name, first_text)
        self.assert_contains(
            middle_text, branch_invoice.name, "99 Other Avenue", "Other footer"
        )
        self.assertNotIn("1 Letterhead Street", middle_text)
        self.assertNotIn(self.inv_old.name, middle_text)
        self.assert_contains(last_text, other_invoice.name, "1 Letterhead Street")
        self.assertNotIn("99 Other Avenue", last_text)

    def test_print_letters_marks_them_printed(self):
        letters = self.letter_interaction(self.levels[2]).with_user(self.collector)
        server_action = self.env.ref(
            "account_debt_recovery.action_debt_recovery_print_letters"
        )
        action = (
            server_action.with_user(self.collector)
            .with_context(active_model=letters._name, active_ids=letters.ids)
            .run()
        )
        self.assertEqual(
            action["report_name"], "account_debt_recovery.report_debt_recovery_letter"
        )
        self.assertEqual(letters.letter_state, "printed")
        with self.assertRaises(UserError):
            letters.letter_state = "to_print"  # only the system moves it

    def test_final_notice_email_carries_its_letter_rendered_once(self):
        """Levels that attach the letter render the letters of the whole batch
        in one report call; each email carries its own customer's letter."""
        other = self.env["res.partner"].create(
            {
                "name": "Second Customer SA",
                "is_company": True,
                "email": "ap@second.example.com",
            }
        )
        other_invoice = self.invoice(640.0, self.days_ago(90), partner=other)
        final = self.levels[3]
        self.assertTrue(final.attach_letter)
        AML = self.env["account.move.line"]
        lines = AML._debt_lines_by_partner(
            AML._debt_eligible_overdue_domain(self.company, self.TODAY)
        )
        followups = self.env["debt.recovery.followup"]._for_partners(
            self.customer | other
        )
        steps = {
            followup: {
                "level": final,
                "lines": lines[followup.partner_id],
                "amount": amount,
                "policy": self.policy,
            }
            for followup, amount in zip(followups, (2250.5, 640.0), strict=True)
        }
        dispatch = self.env["debt.recovery.dispatch"]
        self.setup_pdf_rendering()
        with (
            self.allow_pdf_render(),
            patch.object(
                ir_actions_report,
                "_run_wkhtmltopdf",
                wraps=ir_actions_report._run_wkhtmltopdf,
            ) as wkhtmltopdf,
        ):
            done, failed = dispatch.with_context(
                force_report_rendering=True
            )._run_levels(steps, self.TODAY)
            followups._record_steps(done, failed, self.TODAY, automated=True)
        self.assertEqual(wkhtmltopdf.call_count, 1)
        for partner, own, foreign in (
            (self.customer, self.inv_old, other_invoice),
            (other, other_invoice, self.inv_old),
        ):
            mail = self.mails(partner)
            self.assertEqual(len(mail.attachment_ids), 1)
            letter = mail.attachment_ids
            self.assertEqual(letter.mimetype, "application/pdf")
            self.assertEqual(letter.name, f"Final notice - {partner.name}.pdf")
            text = pdf_text(letter.raw)
            self.assertIn(own.name, text)
            self.assertNotIn(foreign.name, text)
            interaction = self.interactions(partner=partner, event="level")
            self.assertEqual(
                interaction.letter_attachment_id, letter, "the letter is logged"
            )
            self.assertEqual(interaction.letter_state, "to_print")
