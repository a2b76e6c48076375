from odoo.tests import new_test_user

from .common import DebtRecoveryCommon


class InteractionCommon(DebtRecoveryCommon):
    """Fixtures of the interaction log tests: a collector and a manager of the
    company, and a helper that logs through the "Log a call" wizard."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company = {
            "company_id": cls.company.id,
            "company_ids": [cls.company.id],
            "tz": "UTC",
        }
        cls.collector = new_test_user(
            cls.env,
            login="interaction_collector",
            name="Colin Collector",
            groups="account_debt_recovery.group_debt_recovery_user",
            **company,
        )
        cls.manager = new_test_user(
            cls.env,
            login="interaction_manager",
            name="Maria Manager",
            groups="account_debt_recovery.group_debt_recovery_manager",
            **company,
        )

    def log(self, user=None, **values):
        """Log an interaction with the wizard, as ``user`` (the collector by
        default); returns the interaction and the action the wizard returned."""
        wizard_model = self.env["debt.recovery.log.wizard"].with_user(
            user or self.collector
        )
        values.setdefault("partner_id", self.customer.id)
        values.setdefault("outcome", "other")
        action = wizard_model.create(values).action_log()
        partner = self.env["res.partner"].browse(values["partner_id"])
        interaction = self.env["debt.recovery.interaction"].search(
            [("partner_id", "=", partner.commercial_partner_id.id)],
            order="id desc",
            limit=1,
        )
        return interaction, action

    def flush_tracking(self):
        self.env.flush_all()
        self.env.cr.precommit.run()
