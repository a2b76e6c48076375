from datetime import timedelta

from freezegun import freeze_time

from odoo.tests import tagged

from .letter_common import LetterCommon, plain


@tagged("post_install", "-at_install")
@freeze_time(LetterCommon.TODAY)
class TestMailTemplates(LetterCommon):
    """One email per tone, in the customer's language, rendered by the mail
    template engine as the daily run sends it."""

    def template(self):
        return self.env.ref("account_debt_recovery.mail_template_debt_recovery")

    def render(self, tone, field="body_html", partner=None, level=None):
        """The reminder of ``tone`` (or of ``level``), rendered as the daily
        run renders it: with the values of the batch."""
        level = level or self.levels.filtered(lambda lvl: lvl.tone == tone)
        followup = self.followup(partner)
        documents = followup._document_values({followup: level})
        template = self.template().with_company(self.company)
        engine = "qweb" if field == "body_html" else "inline_template"
        rendered = template._render_field(
            field,
            followup.ids,
            engine=engine,
            compute_lang=True,
            add_context={"debt_documents": {followup.id: documents[followup]}},
        )
        return (
            plain(rendered[followup.id])
            if field == "body_html"
            else rendered[followup.id]
        )

    def test_every_email_level_shares_one_template(self):
        for level in self.levels.filtered("send_email"):
            self.assertEqual(level.mail_template_id, self.template())
        self.assertFalse(self.levels[2].send_email, "the formal level is a letter")
        template = self.template()
        self.assertEqual(template.model, "debt.recovery.followup")
        self.assertEqual(template.lang, "{{ object.partner_id.lang }}")

    def test_each_policy_speaks_in_its_own_voice(self):
        """The words belong to the level: editing the gentle policy's first
        level changes its emails, not those of the standard policy."""
        gentle = self.policy.copy({"name": "Schools, gentle", "is_default": False})
        gentle_first = gentle.level_ids.sorted()[0]
        gentle_first.write(
            {
                "email_subject": "a note about the school fees",
                "opening": "<p>Dear parents, a small reminder about the fees.</p>",
            }
        )
        gentle_text = self.render(None, level=gentle_first)
        self.assertIn("a small reminder about the fees", gentle_text)
        self.assertNotIn("crossed in the post", gentle_text)
        self.assertIn(
            "a note about the school fees",
            self.render(None, field="subject", level=gentle_first),
        )
        standard_text = self.render("courteous")
        self.assertIn("crossed in the post", standard_text)
        self.assertNotIn("school fees", standard_text)

    def test_courteous_email(self):
        text = self.render("courteous")
        self.assert_overdue_content(text)
        self.assert_contains(
            text,
            "Dear Sir or Madam,",  # a company: its reader is unknown
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
            "Please settle the balance by "
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
            "Madame, Monsieur,",
            "Ceci est notre dernier avis",
            "agence de recouvrement",
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
        mail = self.mails(self.customer)
        self.assertEqual(len(mail), 1)
        text = plain(mail.body_html)
        self.assert_overdue_content(text)
        self.assertIn("gentle reminder", text, "the first contact is courteous")
        self.assertFalse(mail.attachment_ids, "a courteous reminder carries no letter")
