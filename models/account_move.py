from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.fields import Domain
from odoo.tools import SQL

from .debt_recovery_roles import COLLECTOR_GROUP

# What the log says of an invoice (rule 8: the communication of the highest
# level, the latest at that level; rule 9: the first courtesy reminder, sent
# or tried and failed), as aggregates over its entries (see _log_sql).
_RANKED = (
    "ORDER BY level.days_overdue DESC, level.sequence DESC, level.id DESC, "
    "entry.date DESC"
)
_REACHED = "FILTER (WHERE entry.event = 'level' AND entry.level_id IS NOT NULL)"
LEVEL_REACHED = f"(ARRAY_AGG(entry.level_id {_RANKED}) {_REACHED})[1]"
LEVEL_DATE = f"(ARRAY_AGG(entry.date::date {_RANKED}) {_REACHED})[1]"
COURTESY_DATE = (
    "MIN(entry.date::date) FILTER (WHERE entry.event IN ('courtesy', 'failure') "
    "AND level.days_overdue < 0)"
)


def _log_sql(*columns):
    """``SELECT columns`` over the log entries of invoices (``rel.move_id``),
    to be completed by a condition on ``rel.move_id``."""
    return SQL(
        "SELECT %s FROM debt_recovery_interaction_account_move_rel rel "
        "JOIN debt_recovery_interaction entry ON entry.id = rel.interaction_id "
        "LEFT JOIN debt_recovery_level level ON level.id = entry.level_id",
        SQL(", ").join(columns),
    )


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
    # reached; read from it, never written by hand (nor through
    # account.move.write and its accounting checks). Not stored on the
    # invoice: a run would rewrite thousands of invoice rows (each with all
    # the invoice's indexes) for what the log already says.
    debt_level_id = fields.Many2one(
        "debt.recovery.level",
        string="Recovery Level Reached",
        compute="_compute_debt_level",
        search="_search_debt_level_id",
        help="Highest follow-up level at which this invoice was included in a "
        "communication to the customer.",
        groups=COLLECTOR_GROUP,
    )
    debt_level_date = fields.Date(
        string="Last Reminder",
        compute="_compute_debt_level",
        help="Date of the communication in which the invoice reached its level.",
        groups=COLLECTOR_GROUP,
    )
    # Rule 9: the courtesy reminder announced the invoice once, before its
    # due date; read from the log like the level.
    debt_courtesy_date = fields.Date(
        string="Courtesy Reminder",
        compute="_compute_debt_level",
        search="_search_debt_courtesy_date",
        help="Date of the courtesy reminder sent before the due date.",
        groups=COLLECTOR_GROUP,
    )
    # A dispute or a plan holds an invoice while it is open: derived from
    # those records, never a flag written on the invoice.
    # Not stored either: the disputes' own entries say which invoices they
    # hold (their held_invoice_ids), so logging a reminder writes no invoice.
    debt_disputed = fields.Boolean(
        string="Disputed",
        compute="_compute_debt_dispute",
        search="_search_debt_disputed",
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
        the invoices shown."""
        stored = self.filtered("id")
        reached = stored._debt_levels_reached()
        Level = self.env["debt.recovery.level"]
        for move in self:
            level_id, level_date, courtesy_date = reached.get(move.id, (False,) * 3)
            move.debt_level_id = Level.browse(level_id)
            move.debt_level_date = level_date
            move.debt_courtesy_date = courtesy_date

    def _debt_levels_reached(self):
        """``{move id: (level id, date, courtesy date)}`` from the log."""
        if not self:
            return {}
        self._debt_flush_log()
        self.env.cr.execute(
            SQL(
                "%s WHERE rel.move_id = ANY(%s) GROUP BY rel.move_id",
                _log_sql(
                    SQL("rel.move_id"),
                    SQL(LEVEL_REACHED),
                    SQL(LEVEL_DATE),
                    SQL(COURTESY_DATE),
                ),
                list(self.ids),
            )
        )
        return {move_id: values for move_id, *values in self.env.cr.fetchall()}

    def _debt_flush_log(self):
        self.env["debt.recovery.interaction"].flush_model(
            ["event", "level_id", "date", "invoice_ids"]
        )
        self.env["debt.recovery.level"].flush_model(["days_overdue", "sequence"])

    @api.model
    def _debt_log_of(self, alias, expression):
        """``expression`` (see LEVEL_REACHED) for the invoice of ``alias``."""
        return SQL(
            "(%s WHERE rel.move_id = %s)",
            _log_sql(SQL(expression)),
            SQL.identifier(alias, "id"),
        )

    def _field_to_sql(self, alias, field_expr, query=None):
        # what the log says of the invoice, for filters, grouping and exports
        if field_expr == "debt_level_id":
            self._debt_flush_log()
            return self._debt_log_of(alias, LEVEL_REACHED)
        if field_expr == "debt_disputed":
            return self._debt_held_sql(alias)
        return super()._field_to_sql(alias, field_expr, query)

    def _search_debt_level_id(self, operator, value):
        if operator not in ("in", "not in"):
            return NotImplemented
        self._debt_flush_log()
        ids = tuple(level for level in value if level)

        def to_sql(model, alias, query):
            reached = model._debt_log_of(alias, LEVEL_REACHED)
            conditions = [SQL("%s IN %s", reached, ids)] if ids else []
            if False in value:
                conditions.append(SQL("%s IS NULL", reached))
            matches = SQL(
                "COALESCE(%s, FALSE)", SQL(" OR ").join(conditions or [SQL("FALSE")])
            )
            return matches if operator == "in" else SQL("NOT %s", matches)

        return Domain.custom(to_sql=to_sql)

    def _search_debt_courtesy_date(self, operator, value):
        """Whether a courtesy reminder announced the invoice (``= False``)."""
        if operator not in ("in", "not in") or list(value) != [False]:
            return NotImplemented
        self._debt_flush_log()

        def to_sql(model, alias, query):
            announced = model._debt_log_of(alias, COURTESY_DATE)
            if operator == "in":
                return SQL("%s IS NULL", announced)
            return SQL("%s IS NOT NULL", announced)

        return Domain.custom(to_sql=to_sql)

    @api.depends("debt_interaction_ids.held_invoice_ids")
    def _compute_debt_dispute(self):
        for move in self:
            move.debt_disputed = bool(move._debt_open_dispute())

    @api.depends(
        "debt_interaction_ids.held_invoice_ids", "debt_interaction_ids.dispute_reason"
    )
    def _compute_debt_dispute_reason(self):
        for move in self:
            move.debt_dispute_reason = move._debt_open_dispute().dispute_reason

    def _debt_open_dispute(self):
        """The open dispute that holds this invoice, if any."""
        self.ensure_one()
        return self.debt_interaction_ids.filtered(
            lambda entry: self in entry.held_invoice_ids
        )[:1]

    @api.model
    def _debt_held_sql(self, alias):
        """Whether an open dispute holds the invoice of ``alias``."""
        self.env["debt.recovery.interaction"].flush_model(["held_invoice_ids"])
        return SQL(
            "EXISTS (SELECT 1 FROM debt_recovery_interaction_held_move_rel held "
            "WHERE held.move_id = %s)",
            SQL.identifier(alias, "id"),
        )

    def _search_debt_disputed(self, operator, value):
        if operator not in ("in", "not in"):
            return NotImplemented
        wanted = {bool(item) for item in value}
        if operator == "not in":
            wanted = {True, False} - wanted
        if len(wanted) != 1:
            return Domain.TRUE if wanted else Domain.FALSE
        held = True in wanted

        def to_sql(model, alias, query):
            sql = model._debt_held_sql(alias)
            return sql if held else SQL("NOT %s", sql)

        return Domain.custom(to_sql=to_sql)

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
