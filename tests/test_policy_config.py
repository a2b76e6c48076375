from psycopg2 import IntegrityError

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import DebtRecoveryCommon


@tagged("post_install", "-at_install")
class TestPolicyConfig(DebtRecoveryCommon):
    """Bad configuration gets a clear message and writes nothing."""

    def test_a_courtesy_reminder_more_than_30_days_ahead_is_refused(self):
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            self.policy.write(
                {
                    "level_ids": [
                        Command.create(
                            {"name": "Bad", "days_overdue": -31, "send_email": True}
                        )
                    ]
                }
            )

    def test_two_levels_on_the_same_day_are_refused(self):
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            self.policy.write(
                {"level_ids": [Command.create({"name": "Twin", "days_overdue": 7})]}
            )

    def test_default_policy_needs_levels(self):
        with self.assertRaisesRegex(ValidationError, "needs at least one level"):
            self.env["debt.recovery.policy"].create(
                {"name": "Empty", "company_id": self.company.id, "is_default": False}
            ).write({"is_default": True, "active": True})

    def test_only_one_default_policy_per_company(self):
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            self.env["debt.recovery.policy"].create(
                {
                    "name": "Second default",
                    "company_id": self.company.id,
                    "is_default": True,
                    "level_ids": [Command.create({"name": "One", "days_overdue": 5})],
                }
            )

    def test_email_template_of_the_wrong_model_is_refused(self):
        template = self.env["mail.template"].create(
            {
                "name": "Invoice thing",
                "model_id": self.env.ref("account.model_account_move").id,
            }
        )
        with (
            self.assertRaisesRegex(ValidationError, "must be made for follow-ups"),
            self.env.cr.savepoint(),
        ):
            self.levels[0].mail_template_id = template
        self.env.invalidate_all()
        self.assertEqual(
            self.levels[0].mail_template_id,
            self.env.ref("account_debt_recovery.mail_template_debt_recovery"),
        )

    def test_email_level_needs_a_template(self):
        with self.assertRaisesRegex(ValidationError, "choose its email template"):
            self.levels[0].mail_template_id = False

    def test_partner_policy_overrides_the_default(self):
        gentle = self.env["debt.recovery.policy"].create(
            {
                "name": "Schools - gentle",
                "company_id": self.company.id,
                "level_ids": [
                    Command.create({"name": "Kind note", "days_overdue": 30})
                ],
            }
        )
        partner = self.customer.with_company(self.company)
        self.assertEqual(partner._debt_policy(), self.policy)
        partner._debt_followup()._set_policy(gentle)
        self.assertEqual(partner._debt_policy(), gentle)
        self.assertEqual(self.contact.with_company(self.company)._debt_policy(), gentle)
        self.assertEqual(gentle.partner_count, 1)
