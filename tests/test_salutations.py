from freezegun import freeze_time

from odoo.tests import tagged

from .letter_common import LetterCommon, plain


@tagged("post_install", "-at_install")
@freeze_time(LetterCommon.TODAY)
class TestSalutations(LetterCommon):
    """Every reminder, letter and notice greets its reader the same way: a
    person or a family by name, a company formally."""

    def salutation(self, **values):
        return self.env["res.partner"].create(values)._debt_salutation()

    def test_people_families_and_companies(self):
        self.assertEqual(self.salutation(name="Ann Accounts"), "Dear Ann Accounts,")
        self.assertEqual(
            self.salutation(name="The Hartley Family"), "Dear Hartley Family,"
        )
        self.assertEqual(
            self.salutation(name="  the   Moreau household "), "Dear Moreau household,"
        )
        self.assertEqual(self.salutation(name="Theodore Hart"), "Dear Theodore Hart,")
        self.assertEqual(
            self.salutation(name="The Builders Ltd", is_company=True),
            "Dear Sir or Madam,",
        )

    def test_a_company_is_greeted_by_its_one_invoice_contact(self):
        company = self.env["res.partner"].create(
            {"name": "Builders Ltd", "is_company": True}
        )
        contact = self.env["res.partner"].create(
            {"name": "Ann Accounts", "parent_id": company.id, "type": "invoice"}
        )
        self.assertEqual(company._debt_salutation(), "Dear Ann Accounts,")
        contact.copy({"name": "Bob Books"})
        self.assertEqual(
            company._debt_salutation(), "Dear Sir or Madam,", "two readers: formally"
        )

    def test_in_the_customer_language(self):
        self.load_french()
        family = self.env["res.partner"].create(
            {"name": "The Hartley Family", "lang": "fr_FR"}
        )
        self.assertEqual(
            family.with_context(lang="fr_FR")._debt_salutation(),
            "Bonjour Hartley Family,",
        )

    def test_reminder_email_and_letter_greet_a_family_naturally(self):
        family = self.env["res.partner"].create(
            {"name": "The Hartley Family", "email": "hartley@example.com"}
        )
        self.invoice(300.0, self.days_ago(10), partner=family)
        followup = self.followup(family)
        documents = followup._document_values()
        self.assertEqual(documents[followup]["salutation"], "Dear Hartley Family,")
        template = self.env.ref("account_debt_recovery.mail_template_debt_recovery")
        body = template._render_field("body_html", followup.ids, compute_lang=True)
        self.assertIn("Dear Hartley Family,", plain(body[followup.id]))
        self.assertNotIn("Dear The", plain(body[followup.id]))
        letter = self.render(
            "account_debt_recovery.action_report_debt_recovery_level_letter", followup
        )
        self.assertIn("Dear Hartley Family,", letter)

    def render(self, report, records):
        html, _format = self.env["ir.actions.report"]._render_qweb_html(
            report, records.ids
        )
        return plain(html)
