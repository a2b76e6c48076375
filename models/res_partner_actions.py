from odoo import api, models
from odoo.exceptions import UserError


class ResPartner(models.Model):
    """The customer's history, plans and debt recovery buttons: each button
    acts on the customer's follow-up in the current company."""

    _inherit = "res.partner"

    @api.depends_context("company")
    def _compute_debt_interaction_count(self):
        counts = dict(
            self.env["debt.recovery.interaction"]._read_group(
                [
                    ("partner_id", "in", self.commercial_partner_id.ids),
                    ("company_id", "=", self.env.company.id),
                ],
                groupby=["partner_id"],
                aggregates=["__count"],
            )
        )
        for partner in self:
            partner.debt_interaction_count = counts.get(
                partner.commercial_partner_id, 0
            )

    @api.depends_context("company")
    def _compute_debt_interaction_ids(self):
        interactions = self.env["debt.recovery.interaction"].search(
            [
                ("partner_id", "in", self.commercial_partner_id.ids),
                ("company_id", "=", self.env.company.id),
            ]
        )
        for partner in self:
            partner.debt_interaction_ids = interactions.filtered(
                lambda entry, p=partner: entry.partner_id == p.commercial_partner_id
            )

    @api.depends_context("company")
    def _compute_debt_plan_count(self):
        counts = dict(
            self.env["debt.recovery.plan"]._read_group(
                [
                    ("partner_id", "in", self.commercial_partner_id.ids),
                    ("company_id", "=", self.env.company.id),
                ],
                groupby=["partner_id"],
                aggregates=["__count"],
            )
        )
        for partner in self:
            partner.debt_plan_count = counts.get(partner.commercial_partner_id, 0)

    # ------------------------------------------------------------------
    # Smart buttons
    # ------------------------------------------------------------------
    def action_debt_interactions(self):
        """The customer's interactions in the current company."""
        return self._debt_customer_action(
            "account_debt_recovery.debt_recovery_interaction_action"
        )

    def action_debt_plans(self):
        """The customer's payment plans in the current company."""
        return self._debt_customer_action(
            "account_debt_recovery.debt_recovery_plan_action"
        )

    def _debt_customer_action(self, xmlid):
        partner = self.commercial_partner_id
        partner.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(xmlid)
        action["domain"] = [
            ("partner_id", "=", partner.id),
            ("company_id", "=", self.env.company.id),
        ]
        action["context"] = {"default_partner_id": partner.id}
        return action

    # ------------------------------------------------------------------
    # Buttons of the Debt Recovery tab: the follow-up's actions
    # ------------------------------------------------------------------
    def action_debt_log_interaction(self):
        """Log a call (or any contact) with this customer."""
        partner = self._debt_commercial_partners()
        if len(partner) > 1:
            raise UserError(self.env._("Log interactions one customer at a time."))
        return self.env["debt.recovery.log.wizard"]._action_open(
            {"default_partner_id": partner.id}
        )

    def action_debt_log_email(self):
        """Turn an email the customer sent into an inbound interaction."""
        action = self.action_debt_log_interaction()
        action["context"].update(default_channel="email", default_direction="inbound")
        return action

    def action_debt_propose_plan(self):
        """Propose a payment plan on the customer's overdue invoices."""
        partner = self._debt_commercial_partners()
        if len(partner) > 1:
            raise UserError(self.env._("Propose payment plans one customer at a time."))
        return self.env["debt.recovery.plan.wizard"]._action_open(partner)

    def action_debt_send_now(self):
        return self._debt_followup().action_send_now()

    def action_debt_pause(self):
        return self._debt_followup().action_pause()

    def action_debt_change_policy(self):
        return self._debt_followup().action_change_policy()

    def action_debt_assign_collector(self):
        return self._debt_followup().action_assign_collector()

    def action_debt_approve_escalation(self):
        return self._debt_followup().action_approve_escalation()

    def action_debt_reject_escalation(self):
        return self._debt_followup().action_reject_escalation()

    def action_debt_print_statement(self):
        return self._debt_followup().action_print_statement()

    def action_debt_email_statement(self):
        return self._debt_followup().action_email_statement()

    def action_debt_open_followup(self):
        followup = self._debt_followup()
        followup.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": followup._name,
            "res_id": followup.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }
