from datetime import timedelta

from freezegun import freeze_time

from odoo.tests import tagged

from .letter_common import LetterCommon, plain


@tagged("post_install", "-at_install")
@freeze_time(LetterCommon.TODAY)
class TestMailTemplates(LetterCommon):
    """One email per tone, in the customer's language, rendered by the mail
    template engine as the daily run sends it."""

    def template(self, tone):
        return self.env.ref(f"account_debt_recovery.mail_template_debt_recovery_{tone}")

    def render(self, tone, field="body_html", partner=None):
        partner = partner or self.customer
        template = self.template(tone).with_company(self.company)
        engine = "qweb" if field == "body_html" else "inline_template"
        rendered = template._render_field(
            field, partner.ids, engine=engine, compute_lang=True
        )
        return (
            plain(rendered[partner.id])
            if field == "body_html"
            else rendered[partner.id]
        )

    def test_each_tone_has_its_email(self):
        levels = {level.tone: level for level in self.levels}
        for tone in ("courteous", "firm", "final"):
            self.assertEqual(levels[tone].mail_template_id, self.template(tone))
        self.assertFalse(levels["formal"].send_email, "the formal level is a letter")
        for tone in ("courteous", "firm", "formal", "final"):
            template = self.template(tone)
            self.assertEqual(template.model, "res.partner")
            self.assertTrue(template.use_default_to)
            self.assertEqual(template.lang, "{{ object.lang }}")

    def test_courteous_email(self):
        text = self.render("courteous")
        self.assert_overdue_content(text)
        self.assert_contains(
            text,
            "Dear Bad Payer,",
            "gentle reminder",
            "crossed in the post",
            "Thank you for your business",
            "Kind regards, Colette Collector",
        )
        self.assertNotIn("collection agency", text)
        self.assertEqual(
            self.render("courteous", "subject"),
            f"{self.company.name}: a gentle reminder about your account",
        )

    def test_firm_email(self):
        text = self.render("firm")
        self.assert_overdue_content(text)
        self.assert_contains(
            text,
            "Please settle the total due by "
            + self.date(self.TODAY + timedelta(days=7))
            + ".",
            "please talk to us",
            "payment plan",
        )
        self.assertIn("second reminder", self.render("firm", "subject"))

    def test_formal_email(self):
        text = self.render("formal")
        self.assert_overdue_content(text)
        self.assert_contains(
            text,
            "formal statement of the amounts overdue",
            "We ask you to pay the full balance by "
            + self.date(self.TODAY + timedelta(days=10)),
            "suspend credit on your account",
            "which may add costs",
            "agree a payment plan",
            "Yours sincerely,",
        )
        self.assertIn("statement of overdue account", self.render("formal", "subject"))

    def test_final_notice_email(self):
        text = self.render("final")
        self.assert_overdue_content(text)
        self.assert_contains(
            text,
            "This is our final notice",
            "by " + self.date(self.TODAY + timedelta(days=14)),
            "the matter will be passed to a collection agency",
            "This is the last opportunity",
            "we will agree a payment plan",
        )
        self.assertIn("final notice before collection", self.render("final", "subject"))

    def test_without_collector_the_company_signs(self):
        self.followup()._assign(self.env["res.users"])
        text = self.render("courteous")
        self.assertNotIn("Colette", text)
        self.assert_contains(
            text,
            self.company.name,
            "accounts@yourcompany.example.com",
            "+32 2 555 00 00",
        )

    def test_french_partner_gets_french_email(self):
        self.load_french()
        text = self.render("final")
        self.assert_contains(
            text,
            "Bonjour Bad Payer,",
            "Ceci est notre dernier avis",
            "société de recouvrement",
            "Comment payer",
            "Jours de retard",
            self.inv_old.name,
            "Colette Collector",
        )
        self.assertNotIn("final notice", text)
        self.assertIn(
            "dernier avis avant recouvrement", self.render("final", "subject")
        )

    def test_daily_run_sends_the_email_of_the_level(self):
        self.set_levels_auto()
        self.run_daily()
        mail = self.env["mail.mail"].search(
            [("model", "=", "res.partner"), ("res_id", "=", self.customer.id)]
        )
        self.assertEqual(len(mail), 1)
        text = plain(mail.body_html)
        self.assert_overdue_content(text)
        self.assertIn("gentle reminder", text, "the first contact is courteous")
        self.assertFalse(mail.attachment_ids, "a courteous reminder carries no letter")
