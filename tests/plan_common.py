from datetime import timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.tests import new_test_user

from .common import DebtRecoveryCommon


class PlanCommon(DebtRecoveryCommon):
    """Helpers of the payment plan tests: propose a plan with the wizard as a
    collector does, activate it, pay, run the day."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Plan = cls.env["debt.recovery.plan"]
        cls.Wizard = cls.env["debt.recovery.plan.wizard"]
        cls.Instalment = cls.env["debt.recovery.plan.instalment"]
        cls.policy.write({"instalment_grace_days": 5, "plan_reminder_days": 3})
        cls.collector = new_test_user(
            cls.env,
            login="plan_collector",
            groups="account_debt_recovery.group_debt_recovery_user",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )

    def propose(self, invoices=None, partner=None, **values):
        """The plan wizard, opened as the customer's page or an interaction
        opens it, then filled in with ``values``."""
        action = self.Wizard._action_open(partner or self.customer, invoices=invoices)
        return self.Wizard.with_context(**action["context"]).create(values)

    def make_plan(self, invoices=None, count=4, start=None, activate=True, **values):
        """A plan of ``count`` monthly instalments from ``start`` (default:
        ten days after TODAY) on ``invoices``, activated by a manager."""
        start = start or self.TODAY + timedelta(days=10)
        with freeze_time(self.TODAY):
            wizard = self.propose(
                invoices, instalment_count=count, date_start=start, **values
            )
            action = wizard.action_create_plan()
            plan = self.Plan.browse(action["res_id"])
            if activate:
                plan.action_activate()
        return plan

    def run_on(self, day):
        with freeze_time(day):
            self.run_daily()
        return self.state()

    def amounts(self, plan, field="amount"):
        return plan.instalment_ids.mapped(field)

    def plan_mails(self, plan):
        return self.env["mail.mail"].search(
            [("model", "=", plan._name), ("res_id", "=", plan.id)], order="id"
        )
