from freezegun import freeze_time

from odoo.tests import tagged
from odoo.tools.mail import _Cleaner

from odoo.addons.account_debt_recovery.models import reminder_body

from .common import DebtRecoveryCommon

TODAY = DebtRecoveryCommon.TODAY


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestReminderBody(DebtRecoveryCommon):
    """The message of a reminder shows what the customer received: its body
    is stored as rendered when it holds only plain markup (sanitizing it
    again would change nothing), and sanitized otherwise."""

    def setUp(self):
        super().setUp()
        self.set_levels_auto()
        self.invoice(12345.67, self.days_ago(10))

    def reminder(self):
        self.env["debt.recovery.run"]._evaluate(self.followup(), TODAY)
        self.env.flush_all()
        self.env.invalidate_all()
        mail = self.mails(self.customer)
        self.assertEqual(len(mail), 1)
        return mail

    def test_the_message_shows_the_email_sent(self):
        mail = self.reminder()
        self.assertEqual(str(mail.mail_message_id.body), mail.body_html)
        self.assertIn("12,345.67", mail.mail_message_id.body)
        self.assertIn("/my/balance/", mail.mail_message_id.body)

    def test_a_customer_name_with_markup_is_escaped(self):
        self.customer.write(
            {
                "name": 'Evil <script>alert(1)</script> <b onclick="x">Jones</b>',
                "is_company": False,
            }
        )
        body = self.reminder().mail_message_id.body
        self.assertIn("Dear Evil", body)
        self.assertNotIn("<script", body)
        self.assertNotIn("<b ", body)
        self.assertIn("&lt;script&gt;", body)

    def test_markup_the_message_would_not_keep_is_sanitized(self):
        """A template edited with markup the email allows but the chatter does
        not (a stylesheet, a fixed position) reaches the customer as saved;
        its message in the chatter is sanitized as any message is."""
        template = self.levels[0].mail_template_id
        template.body_html = (
            '<div><p style="position: fixed; top: 0px;">Pay now</p>'
            '<t t-out="object.partner_id.name"/></div>'
        )
        mail = self.reminder()
        self.assertIn("position: fixed", mail.body_html)
        self.assertNotIn("position", mail.mail_message_id.body)
        self.assertIn("Pay now", mail.mail_message_id.body)
        self.assertIn("Bad Payer", mail.mail_message_id.body)

    def test_a_link_built_from_a_record_is_sanitized(self):
        """A manager's template that links to a value of the customer: a value
        that is no web address never reaches the chatter as a link."""
        self.levels[
            0
        ].mail_template_id.body_html = (
            '<div><a t-att-href="object.partner_id.ref">Your account</a></div>'
        )
        self.customer.ref = "javas\tcript:alert(document.domain)"
        body = self.reminder().mail_message_id.body
        self.assertIn("Your account", body)
        self.assertNotIn("alert", body)

    def test_only_plain_markup_skips_the_sanitizer(self):
        plain = (
            '<div style="font-size: 13px;"><p>Dear O&#39;Brien,<br/>1 &lt; 2</p>'
            '<table style="border-collapse: collapse; width: 100%;"><tr>'
            '<td colspan="4" style="text-align: right;">x</td></tr></table>'
            '<a href="https://example.com/my/balance/1?access_token=abc">Pay</a></div>'
        )
        self.assertTrue(reminder_body.is_plain(plain))
        # only what the message's own sanitizer keeps
        self.assertLessEqual(reminder_body.PLAIN_STYLES, set(_Cleaner._style_whitelist))
        for body in (
            "",
            '<p onclick="x">a</p>',
            "<style>p { color: red; }</style>",
            '<p style="position: fixed">a</p>',
            '<p style="background-image: url(https://x.example/t.png)">a</p>',
            '<a href="javascript:alert(1)">a</a>',
            '<a href="jav&#x61;script:alert(1)">a</a>',
            "<!-- a comment -->",
            '<iframe src="https://x.example"></iframe>',
            "<p>a < b</p>",
            "<p title='single quoted'>a</p>",
            "<img src=x onerror=alert(1)>",
            "<svg/onload=alert(1)>",
            '<form action="https://x.example"><input name="a"/></form>',
            # what browsers read as a script link, though "script" is split
            '<a href="javas\tcript:alert(1)">a</a>',
            '<a href="javas\ncript:alert(1)">a</a>',
            '<a href="javas&Tab;cript:alert(1)">a</a>',
            '<a href=" javascript:alert(1)">a</a>',
            '<a href="vbscript:alert(1)">a</a>',
            '<a href="//x.example/">a</a>',
            '<img src="x"/>',
            '<p style="background-image: \\75 rl(https://x.example/t.png)">a</p>',
        ):
            self.assertFalse(reminder_body.is_plain(body), body)
