import re
from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase

from .common import DebtRecoveryCommon


class CustomerPageCommon(DebtRecoveryCommon, HttpCase):
    """A customer with overdue and not-yet-due invoices, the link of their
    page, and helpers to open it and post its forms as an anonymous visitor.
    Real dates: the browser and the server run now."""

    TODAY = fields.Date.today()

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.policy.write(
            {
                "portal_horizon_days": 30,
                "portal_plan_max_instalments": 6,
                "portal_plan_max_days": 180,
                "portal_plan_min_instalment": 50.0,
                "portal_plan_auto_instalments": 3,
                "portal_plan_auto_days": 90,
                "portal_plan_auto_amount": 0.0,
                "portal_proposal_hold_days": 5,
                "portal_link_days": 30,
                "promise_grace_days": 3,
            }
        )
        cls.overdue = cls.invoice(1200.0, cls.days_ago(30))
        cls.overdue_2 = cls.invoice(300.0, cls.days_ago(10))
        cls.not_due = cls.invoice(450.0, cls.TODAY + timedelta(days=20))
        cls.collector = cls.env["res.users"].create(
            {
                "name": "Carla Collector",
                "login": "carla.collector",
                "email": "carla@example.com",
                "phone": "+32 2 555 01 02",
                "company_id": cls.company.id,
                "company_ids": [(6, 0, cls.company.ids)],
                "group_ids": [
                    (
                        4,
                        cls.env.ref(
                            "account_debt_recovery.group_debt_recovery_user"
                        ).id,
                    )
                ],
            }
        )
        cls.followup_record = cls.env["debt.recovery.followup"]._for_partners(
            cls.customer, cls.company
        )
        cls.followup_record._assign(cls.collector)
        cls.followup_record._refresh_figures()
        cls.env["ir.config_parameter"].sudo().set_param(
            "account_payment.enable_portal_payment", True
        )

    # ------------------------------------------------------------------
    def link(self, followup=None):
        """The local URL of the page, as a reminder carries it."""
        followup = followup or self.followup_record
        url = followup._portal_links()[followup]
        return url[len(followup.get_base_url()) :]

    def page(self, url=None, followup=None):
        response = self.url_open(url or self.link(followup), allow_redirects=True)
        return response

    def form_fields(self, html, form_class):
        """The hidden fields (CSRF and one-time tokens) of a form of the page."""
        form = re.search(
            rf'<form[^>]*class="[^"]*{form_class}[^"]*".*?</form>', html, re.S
        )
        self.assertTrue(form, f"no {form_class} on the page")
        return {
            name: value
            for name, value in re.findall(
                r'<input type="hidden" name="(\w+)" value="([^"]*)"', form.group(0)
            )
        }

    def post(self, action, form_class, values, followup=None, files=None, tokens=None):
        """Post a form of the page as the visitor does: its hidden fields
        from the page just opened, and ``values``."""
        followup = followup or self.followup_record
        tokens = tokens or self.form_fields(
            self.page(followup=followup).text, form_class
        )
        return self.url_open(
            f"{followup.access_url}/{action}",
            data={**tokens, **values},
            files=files,
            allow_redirects=False,
        )

    def run_daily(self):
        """The daily run in the test's cursor (HttpCase is in test mode)."""
        cron = self.env.ref("account_debt_recovery.ir_cron_debt_recovery_daily")
        result = cron.method_direct_trigger()
        self.assertIs(result, True, f"The daily run failed: {result}")
        self.env.invalidate_all()

    def portal_interactions(self, **filters):
        return self.interactions(channel="portal", direction="inbound", **filters)

    def reminders(self):
        """The ladder's emails to the customer, not the page's confirmations
        (threaded on the follow-up too)."""
        confirmations = self.portal_interactions().mail_message_id
        return self.mails().filtered(
            lambda mail: mail.mail_message_id not in confirmations
        )
