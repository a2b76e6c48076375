from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from .debt_recovery_roles import COLLECTOR_GROUP


class AccountMove(models.Model):
    _inherit = "account.move"

    debt_interaction_ids = fields.Many2many(
        "debt.recovery.interaction",
        relation="debt_recovery_interaction_account_move_rel",
        column1="move_id",
        column2="interaction_id",
        string="Recovery Interactions",
        copy=False,
        readonly=True,
        groups=COLLECTOR_GROUP,
    )
    debt_interaction_count = fields.Integer(
        string="Recovery Interaction Count",
        compute="_compute_debt_interaction_count",
        groups=COLLECTOR_GROUP,
    )
    debt_plan_ids = fields.Many2many(
        "debt.recovery.plan",
        relation="debt_recovery_plan_account_move_rel",
        column1="move_id",
        column2="plan_id",
        string="Recovery Payment Plans",
        copy=False,
        readonly=True,
        groups=COLLECTOR_GROUP,
    )
    # A plan holds an invoice while it is active: derived from the plans,
    # never a flag written on the invoice (disputes: account_move_log.py).
    debt_plan_id = fields.Many2one(
        "debt.recovery.plan",
        string="Payment Plan",
        compute="_compute_debt_plan_id",
        store=True,
        index="btree_not_null",
        help="Active payment plan covering this invoice: it is out of the ladder "
        "while the plan runs.",
        groups=COLLECTOR_GROUP,
    )

    @api.depends("debt_plan_ids.state")
    def _compute_debt_plan_id(self):
        for move in self:
            move.debt_plan_id = move.debt_plan_ids.filtered(
                lambda plan: plan.state == "active"
            )[:1]

    @api.depends("debt_interaction_ids")
    def _compute_debt_interaction_count(self):
        for move in self:
            move.debt_interaction_count = len(move.debt_interaction_ids)

    # ------------------------------------------------------------------
    # Interactions and disputes
    # ------------------------------------------------------------------
    def _debt_customer_invoices(self):
        invoices = self.filtered(
            lambda move: (
                move.move_type in ("out_invoice", "out_receipt")
                and move.state == "posted"
            )
        )
        if not invoices:
            raise UserError(self.env._("Select posted customer invoices."))
        if len(invoices.commercial_partner_id) > 1:
            raise UserError(
                self.env._("Select the invoices of one customer at a time.")
            )
        return invoices

    def action_debt_interactions(self):
        """Smart button: the interactions that concern this invoice."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account_debt_recovery.debt_recovery_interaction_action"
        )
        action["domain"] = [("invoice_ids", "in", self.ids)]
        action["context"] = {
            "default_partner_id": self.commercial_partner_id.id,
            "default_invoice_ids": self.ids,
        }
        return action

    def action_debt_log_interaction(self):
        """Log a call about these invoices, pre-filled with them."""
        invoices = self._debt_customer_invoices()
        return self.env["debt.recovery.log.wizard"]._action_open(
            {
                "default_partner_id": invoices.commercial_partner_id.id,
                "default_invoice_ids": invoices.ids,
            }
        )

    def action_debt_dispute(self):
        """Log the customer's dispute: the invoices leave the ladder."""
        invoices = self._debt_customer_invoices()
        disputed = invoices.filtered("debt_disputed")
        if disputed:
            raise UserError(
                self.env._(
                    "%(invoices)s are already disputed.",
                    invoices=", ".join(disputed.mapped("display_name")),
                )
            )
        action = invoices.action_debt_log_interaction()
        action["context"].update(default_outcome="dispute", default_direction="inbound")
        return action

    def action_debt_resolve_dispute(self):
        """Resolve the dispute: the invoices return to the ladder."""
        disputed = self.filtered("debt_disputed")
        if not disputed:
            raise UserError(self.env._("None of these invoices is disputed."))
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Resolve the Dispute"),
            "res_model": "debt.recovery.dispute.wizard",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {"default_invoice_ids": disputed.ids},
        }

    def write(self, vals):
        # What debt recovery shows on an invoice is derived from its log, its
        # disputes and its plans: nobody writes it, whatever their rights.
        if any(name.startswith("debt_") for name in vals):
            raise AccessError(
                self.env._(
                    "The debt recovery level, dispute and payment plan of an invoice "
                    "are set by the debt recovery actions only."
                )
            )
        result = super().write(vals)
        if "payment_state" in vals:  # e.g. blocked: out of the ladder
            self.line_ids._debt_refresh_followups()
        return result

    def _post(self, soft=True):
        posted = super()._post(soft=soft)
        paying = posted.filtered(lambda move: move._is_debt_payment())
        (posted - paying).line_ids._debt_refresh_followups()
        paying.line_ids._debt_refresh_followups(paid=True)
        return posted

    def _is_debt_payment(self):
        """A customer's payment (registered, or a bank statement line), what
        a customer is thanked for; a credit note is none."""
        self.ensure_one()
        return bool(self.origin_payment_id or self.statement_line_id)

    def button_draft(self):
        result = super().button_draft()
        self.line_ids._debt_refresh_followups()
        return result

    def button_cancel(self):
        result = super().button_cancel()
        self.line_ids._debt_refresh_followups()
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_except_debt_interactions(self):
        logged = (
            self.env["debt.recovery.interaction"]
            .sudo()
            .search([("invoice_ids", "in", self.ids)])
        )
        if logged:
            moves = self.browse((logged.invoice_ids & self.sudo()).ids)
            raise UserError(
                self.env._(
                    "%(moves)s cannot be deleted: debt recovery interactions refer to "
                    "them and are the evidence file of their follow-up. Cancel them "
                    "instead.",
                    moves=", ".join(moves.mapped("display_name")),
                )
            )
