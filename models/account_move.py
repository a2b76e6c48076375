from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

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
    # Rule 8: the interaction log is the invoice's memory of the levels it
    # reached; computed from it, never written by hand (nor through
    # account.move.write and its accounting checks).
    debt_level_id = fields.Many2one(
        "debt.recovery.level",
        string="Recovery Level Reached",
        compute="_compute_debt_level",
        store=True,
        index="btree_not_null",
        help="Highest follow-up level at which this invoice was included in a "
        "communication to the customer.",
        groups=COLLECTOR_GROUP,
    )
    debt_level_date = fields.Date(
        string="Last Reminder",
        compute="_compute_debt_level",
        store=True,
        help="Date of the communication in which the invoice reached its level.",
        groups=COLLECTOR_GROUP,
    )
    # Rule 9: the courtesy reminder announced the invoice once, before its
    # due date; computed from the log like the level.
    debt_courtesy_date = fields.Date(
        string="Courtesy Reminder",
        compute="_compute_debt_level",
        store=True,
        help="Date of the courtesy reminder sent before the due date.",
        groups=COLLECTOR_GROUP,
    )
    # A dispute or a plan holds an invoice while it is open: derived from
    # those records, never a flag written on the invoice.
    debt_disputed = fields.Boolean(
        string="Disputed",
        compute="_compute_debt_dispute",
        store=True,
        help="Disputed invoices leave the follow-up ladder until the dispute "
        "is resolved.",
        groups=COLLECTOR_GROUP,
    )
    debt_dispute_reason = fields.Text(
        string="Dispute Reason",
        compute="_compute_debt_dispute_reason",
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

    @api.depends(
        "debt_interaction_ids.level_id.days_overdue", "debt_interaction_ids.event"
    )
    def _compute_debt_level(self):
        """The highest level each invoice reached (the latest communication at
        that level) and its courtesy reminder, from the log: one query for
        the batch (a run moves thousands of invoices at once)."""
        stored = self.filtered("id")
        reached = stored._debt_levels_reached()
        for move in self - stored:  # an invoice being created on a screen
            move.debt_level_id = move.debt_level_date = False
            move.debt_courtesy_date = False
        Level = self.env["debt.recovery.level"]
        for move in stored:
            level_id, level_date, courtesy_date = reached.get(move.id, (False,) * 3)
            move.debt_level_id = Level.browse(level_id)
            move.debt_level_date = level_date
            move.debt_courtesy_date = courtesy_date

    def _debt_levels_reached(self):
        """``{move id: (level id, date, courtesy date)}`` from the log: rule 8
        (the level of the highest-ranked communication, its latest date) and
        rule 9 (the first courtesy reminder, sent or tried and failed)."""
        if not self:
            return {}
        self.env["debt.recovery.interaction"].flush_model(
            ["event", "level_id", "date", "invoice_ids"]
        )
        self.env["debt.recovery.level"].flush_model(["days_overdue", "sequence"])
        ranked = SQL(
            "ORDER BY level.days_overdue DESC, level.sequence DESC, level.id DESC, "
            "entry.date DESC"
        )
        reached = SQL("entry.event = 'level' AND entry.level_id IS NOT NULL")
        self.env.cr.execute(
            SQL(
                """
                SELECT rel.move_id,
                       (ARRAY_AGG(entry.level_id %(ranked)s)
                            FILTER (WHERE %(reached)s))[1],
                       (ARRAY_AGG(entry.date::date %(ranked)s)
                            FILTER (WHERE %(reached)s))[1],
                       MIN(entry.date::date) FILTER (
                           WHERE entry.event IN ('courtesy', 'failure')
                             AND level.days_overdue < 0
                       )
                  FROM debt_recovery_interaction_account_move_rel rel
                  JOIN debt_recovery_interaction entry ON entry.id = rel.interaction_id
                  LEFT JOIN debt_recovery_level level ON level.id = entry.level_id
                 WHERE rel.move_id = ANY(%(moves)s)
                 GROUP BY rel.move_id
                """,
                ranked=ranked,
                reached=reached,
                moves=list(self.ids),
            )
        )
        return {move_id: values for move_id, *values in self.env.cr.fetchall()}

    @api.depends(
        "debt_interaction_ids.dispute_state",
        "debt_interaction_ids.resolved_invoice_ids",
    )
    def _compute_debt_dispute(self):
        disputed = self.filtered("id")._debt_disputed_ids()
        for move in self:
            move.debt_disputed = (
                move.id in disputed if move.id else bool(move._debt_open_dispute())
            )

    def _debt_disputed_ids(self):
        """The ids of these invoices held by an open dispute that has not
        resolved them: one query for the batch."""
        if not self:
            return set()
        self.env["debt.recovery.interaction"].flush_model(
            ["dispute_state", "invoice_ids", "resolved_invoice_ids"]
        )
        self.env.cr.execute(
            SQL(
                """
                SELECT DISTINCT rel.move_id
                  FROM debt_recovery_interaction_account_move_rel rel
                  JOIN debt_recovery_interaction entry ON entry.id = rel.interaction_id
                 WHERE rel.move_id = ANY(%(moves)s)
                   AND entry.dispute_state = 'open'
                   AND NOT EXISTS (
                       SELECT 1 FROM debt_recovery_interaction_resolved_move_rel done
                        WHERE done.interaction_id = entry.id
                          AND done.move_id = rel.move_id
                   )
                """,
                moves=list(self.ids),
            )
        )
        return {move_id for (move_id,) in self.env.cr.fetchall()}

    @api.depends("debt_disputed", "debt_interaction_ids.dispute_reason")
    def _compute_debt_dispute_reason(self):
        for move in self:
            move.debt_dispute_reason = move._debt_open_dispute().dispute_reason

    def _debt_open_dispute(self):
        """The open dispute that holds this invoice, if any."""
        self.ensure_one()
        return self.debt_interaction_ids.filtered(
            lambda entry: (
                entry.dispute_state == "open" and self not in entry.resolved_invoice_ids
            )
        )[:1]

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
