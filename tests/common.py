from datetime import date, timedelta

from odoo import Command, fields
from odoo.tests import Form

from odoo.addons.account.tests.common import AccountTestInvoicingCommon


class DebtRecoveryCommon(AccountTestInvoicingCommon):
    """Accounting fixtures without demo data: a company with its default
    policy, a customer with an email address, and helpers for invoices,
    payments and the daily run."""

    TODAY = date(2026, 3, 2)

    @classmethod
    def get_default_groups(cls):
        return super().get_default_groups() | cls.quick_ref(
            "account_debt_recovery.group_debt_recovery_manager"
        )

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.company_data["company"]
        cls.policy = cls.env["debt.recovery.policy"]._default_for_company(cls.company)
        cls.levels = cls.policy.level_ids.sorted()
        cls.customer = cls.env["res.partner"].create(
            {"name": "Bad Payer", "email": "bad.payer@example.com", "is_company": True}
        )
        cls.contact = cls.env["res.partner"].create(
            {
                "name": "Ann Accounts",
                "parent_id": cls.customer.id,
                "email": "ann@example.com",
            }
        )

    # ------------------------------------------------------------------
    @classmethod
    def invoice(cls, amount, due, partner=None, company_data=None, post=True, **values):
        """A posted customer invoice of ``amount`` (no tax) due on ``due``."""
        company_data = company_data or cls.company_data
        due = fields.Date.to_date(due)
        invoice_date = min(due, cls.TODAY) - timedelta(days=30)
        return cls._create_invoice_one_line(
            price_unit=amount,
            tax_ids=[],
            partner_id=(partner or cls.customer).id,
            invoice_date=invoice_date,
            invoice_date_due=due,
            journal_id=company_data["default_journal_sale"].id,
            company_id=company_data["company"].id,
            post=post,
            **values,
        )

    @classmethod
    def days_ago(cls, days, today=None):
        return (today or cls.TODAY) - timedelta(days=days)

    def pay(self, invoice, amount=None, payment_date=None):
        """Register a payment on ``invoice`` (full residual by default)."""
        return self._register_payment(
            invoice,
            amount=amount or invoice.amount_residual,
            payment_date=payment_date or self.TODAY,
        )

    def run_daily(self):
        """Run the real scheduled action, in its own (test) cursor."""
        cron = self.env.ref("account_debt_recovery.ir_cron_debt_recovery_daily")
        with self.enter_registry_test_mode():
            result = cron.method_direct_trigger()
        self.assertIs(result, True, f"The daily run failed: {result}")
        self.env.invalidate_all()

    def state(self, partner=None, company=None):
        """The customer as seen from ``company``, with fresh figures."""
        self.env.invalidate_all()
        return (partner or self.customer).with_company(company or self.company)

    def mails(self, partners=None, company=None):
        """The emails queued for ``partners``' follow-ups (threaded on them)."""
        followups = self.env["debt.recovery.followup"].search(
            [
                ("partner_id", "in", (partners or self.customer).ids),
                ("company_id", "=", (company or self.company).id),
            ]
        )
        return self.env["mail.mail"].search(
            [
                ("model", "=", followups._name),
                ("res_id", "in", followups.ids),
                ("is_notification", "=", False),  # not the collectors' ones
            ]
        )

    def interactions(self, partner=None, company=None, **filters):
        domain = [
            ("partner_id", "=", (partner or self.customer).id),
            ("company_id", "=", (company or self.company).id),
        ]
        domain += [(name, "=", value) for name, value in filters.items()]
        return self.env["debt.recovery.interaction"].search(domain)

    def set_levels_auto(self):
        self.levels.write({"execution": "auto"})

    @classmethod
    def no_spacing(cls, policy=None):
        (policy or cls.policy).write(
            {"min_days_between_contacts": 0, "max_contacts_per_week": 50}
        )

    def followup(self, partner=None, company=None):
        """The follow-up of ``partner`` (the customer) in ``company``."""
        return self.env["debt.recovery.followup"]._for_partners(
            partner or self.customer, company or self.company
        )

    def set_collector(self, partner, user, company=None):
        self.followup(partner, company)._assign(user)

    def set_state(self, partner=None, company=None, **vals):
        """Put a follow-up in a given state (a fixture, as a past run left it)."""
        followup = self.followup(partner, company)
        followup._write_state(vals)
        return followup

    def send_reviewed(self, partner=None, user=None, edit=None):
        """A collector opens the reminder waiting for review (Send Now) and
        sends it from the composer, after ``edit(form)`` if given."""
        customer = (partner or self.customer).with_user(user or self.env.user)
        action = customer.action_debt_send_now()
        if action is True:
            return None
        self.assertEqual(action["res_model"], "mail.compose.message")
        composer = self.env["mail.compose.message"].with_user(user or self.env.user)
        with Form(composer.with_context(**action["context"])) as form:
            if edit:
                edit(form)
        form.record.action_send_mail()
        return form.record

    def decide_escalation(
        self, decision, partner=None, user=None, reason="Agreed", before=False
    ):
        """A manager approves or rejects the proposed escalation with the
        wizard the buttons open."""
        customer = (partner or self.customer).with_user(user or self.env.user)
        action = getattr(customer, f"action_debt_{decision}_escalation")()
        Wizard = self.env[action["res_model"]].with_user(user or self.env.user)
        with Form(Wizard.with_context(**action["context"])) as form:
            form.reason = reason
            if before:
                form.before_deadline = True
        return form.record.action_decide()

    def dispute(self, invoices, reason="Goods damaged"):
        """The customer disputes ``invoices`` (logged as a collector would)."""
        return self.env["debt.recovery.interaction"].create(
            {
                "partner_id": invoices.commercial_partner_id.id,
                "company_id": invoices.company_id.id,
                "channel": "phone",
                "direction": "inbound",
                "outcome": "dispute",
                "dispute_reason": reason,
                "summary": "Dispute",
                "invoice_ids": [Command.set(invoices.ids)],
            }
        )

    @staticmethod
    def link(records):
        return [Command.set(records.ids)]
