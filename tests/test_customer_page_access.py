from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .portal_common import CustomerPageCommon

INVALID = "This link is no longer valid"


@tagged("post_install", "-at_install")
class TestCustomerPageAccess(CustomerPageCommon):
    """Who the customer's page opens for, and what it shows: the customer's
    own open invoices and figures with a valid link, nothing internal; the
    plain "no longer valid" page for any other link, with nothing of anyone's
    account on it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other = cls.env["res.partner"].create(
            {
                "name": "Zebulon Other Ltd",
                "email": "other@example.com",
                "is_company": True,
            }
        )
        cls.other_invoice = cls.invoice(7777.0, cls.days_ago(40), partner=cls.other)
        cls.other_followup = cls.env["debt.recovery.followup"]._for_partners(
            cls.other, cls.company
        )
        cls.other_followup._refresh_figures()

    def assert_plain_page(self, response):
        self.assertEqual(response.status_code, 403)
        body = response.text
        self.assertIn(INVALID, body)
        for secret in (
            self.customer.name,
            self.other.name,
            self.overdue.name,
            self.other_invoice.name,
            "1,200.00",
            "7,777.00",
            "Traceback",
        ):
            self.assertNotIn(secret, body)

    # ------------------------------------------------------------------
    def test_valid_link_shows_the_customers_account(self):
        self.followup_record._pause(self.TODAY + timedelta(days=2), "Director ill")
        self.env["debt.recovery.interaction"].create(
            {
                "partner_id": self.customer.id,
                "company_id": self.company.id,
                "channel": "phone",
                "outcome": "no_answer",
                "summary": "Rang twice",
                "notes": "<p>Collector's private note: slow payer</p>",
            }
        )
        response = self.page()
        self.assertEqual(response.status_code, 200)
        body = response.text
        for shown in (self.overdue.name, self.overdue_2.name, self.not_due.name):
            self.assertIn(shown, body)
        self.assertIn("1,500.00", body, "the net amount asked: what is chased")
        self.assertIn("Carla Collector", body)
        self.assertIn("carla@example.com", body)
        self.assertIn("Not yet due", body)
        # each invoice as PDF through the page's own link
        self.assertIn(
            f"{self.followup_record.access_url}/invoice/{self.overdue.id}?access_token=",
            body,
        )
        # nothing internal
        level = self.levels[:1]
        for internal in (
            "Director ill",
            "slow payer",
            "Rang twice",
            level.name,
            "Paused",
            "Escalation",
            "priority",
            self.other.name,
            self.other_invoice.name,
        ):
            self.assertNotIn(internal, body)

    def test_credits_reduce_the_net_amount(self):
        refund = self._create_invoice_one_line(
            move_type="out_refund",
            price_unit=200.0,
            tax_ids=[],
            partner_id=self.customer.id,
            invoice_date=self.TODAY,
            post=True,
        )
        body = self.page().text
        self.assertIn(refund.name, body)
        self.assertIn("1,300.00", body)

    def test_wrong_token_gets_the_plain_page(self):
        self.link()  # the token exists
        url = f"{self.followup_record.access_url}?access_token=not-the-token"
        self.assert_plain_page(self.page(url))
        self.assert_plain_page(self.page(self.followup_record.access_url))

    def test_other_customers_token_gets_the_plain_page(self):
        other_token = self.link(self.other_followup).split("access_token=")[1]
        url = f"{self.followup_record.access_url}?access_token={other_token}"
        self.link()
        response = self.page(url)
        self.assert_plain_page(response)
        self.assertIn("Carla Collector", response.text, "the collector's contact")

    def test_unknown_page_gets_the_plain_page(self):
        token = self.link().split("access_token=")[1]
        self.assert_plain_page(self.page(f"/my/balance/987654321?access_token={token}"))
        self.assert_plain_page(
            self.page(f"/my/balance/99999999999?access_token={token}")
        )
        # ids beyond PostgreSQL's integers are ignored, not an error
        response = self.page(self.link() + "&done=99999999999&paid=99999999999")
        self.assertEqual(response.status_code, 200)

    def test_revoked_link_gets_the_plain_page_and_is_logged(self):
        url = self.link()
        self.assertEqual(self.page(url).status_code, 200)
        self.followup_record.action_portal_revoke()
        self.assertFalse(self.followup_record.access_token)
        self.assert_plain_page(self.page(url))
        self.assertTrue(self.interactions(event="portal_revoked"))
        new_url = self.link()
        self.assertNotEqual(new_url, url)
        self.assertEqual(self.page(new_url).status_code, 200)

    def test_link_expires_days_after_settlement(self):
        url = self.link()
        self.followup_record._write_state({"portal_link_date": self.days_ago(60)})
        settled = self.followup_record._event_values("settled", "Up to date")
        settled["date"] = fields.Datetime.now() - timedelta(days=31)
        self.env["debt.recovery.interaction"]._log([settled])
        self.assert_plain_page(self.page(url))
        # a reminder sent since brings the same link back
        self.followup_record._portal_links()
        self.assertEqual(self.page(url).status_code, 200)

    def test_link_still_valid_within_days_after_settlement(self):
        url = self.link()
        settled = self.followup_record._event_values("settled", "Up to date")
        settled["date"] = fields.Datetime.now() - timedelta(days=29)
        self.followup_record._write_state({"portal_link_date": self.days_ago(60)})
        self.env["debt.recovery.interaction"]._log([settled])
        self.assertEqual(self.page(url).status_code, 200)

    def test_token_is_not_writable(self):
        self.link()
        collector_followup = self.followup_record.with_user(self.collector)
        with self.assertRaises(AccessError):
            collector_followup.write({"access_token": "guessable"})
        with self.assertRaises(AccessError):
            self.followup_record.write({"portal_link_date": self.TODAY})

    def test_portal_and_public_users_read_nothing(self):
        portal = new_test_user(
            self.env, login="debt_portal_user", groups="base.group_portal"
        )
        portal.partner_id.parent_id = self.customer
        public = self.env.ref("base.public_user")
        for user in (portal, public):
            Followup = self.env["debt.recovery.followup"].with_user(user)
            with self.assertRaises(AccessError):
                Followup.search([])
            with self.assertRaises(AccessError):
                self.followup_record.with_user(user).read(["access_token"])
            with self.assertRaises(AccessError):
                self.env["debt.recovery.interaction"].with_user(user).search([])
            with self.assertRaises(AccessError):
                self.env["debt.recovery.plan"].with_user(user).search([])

    def test_collector_opens_and_revokes_from_the_followup(self):
        followup = self.followup_record.with_user(self.collector)
        action = followup.action_portal_open()
        self.assertEqual(action["type"], "ir.actions.act_url")
        self.assertIn(f"/my/balance/{followup.id}?access_token=", action["url"])
        billing = new_test_user(
            self.env,
            login="debt_billing_only",
            groups="account.group_account_invoice",
            company_id=self.company.id,
        )
        with self.assertRaises(AccessError):
            self.followup_record.with_user(billing).action_portal_revoke()
        with self.assertRaises(AccessError):
            self.followup_record.with_user(billing).action_portal_open()

    def test_page_speaks_the_customers_language(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.customer.lang = "fr_FR"
        body = self.page().text
        self.assertIn('lang="fr-FR"', body)
        due = self.overdue.invoice_date_due.strftime("%d/%m/%Y")
        self.assertIn(due, body, "dates in the customer's format")

    def test_page_shows_one_company(self):
        other_company = self.setup_other_company()
        invoice_b = self.invoice(888.0, self.days_ago(20), company_data=other_company)
        body = self.page().text
        self.assertNotIn(f"/invoice/{invoice_b.id}?", body)
        self.assertNotIn("888.00", body)
        followup_b = self.env["debt.recovery.followup"]._for_partners(
            self.customer, other_company["company"]
        )
        followup_b._refresh_figures()
        body_b = self.page(followup=followup_b).text
        self.assertIn(f"/invoice/{invoice_b.id}?", body_b)
        self.assertNotIn(f"/invoice/{self.overdue.id}?", body_b)
        self.assertNotIn("1,200.00", body_b)
        self.assertIn(f"/logo.png?company={other_company['company'].id}", body_b)
