from odoo import api, fields, models
from odoo.fields import Domain
from odoo.tools import SQL

from .debt_recovery_roles import COLLECTOR_GROUP

# What the log says of an invoice, as aggregates over its entries (see
# _log_query): rule 8, the level of its highest communication (then the
# latest at that level) and that communication's date; rule 9, its first
# courtesy reminder, sent or tried and failed.
_RANKED = SQL(
    "ORDER BY level.days_overdue DESC, level.sequence DESC, level.id DESC, "
    "entry.date DESC"
)
_REACHED = SQL("FILTER (WHERE entry.event = 'level' AND entry.level_id IS NOT NULL)")
LEVEL_REACHED = SQL("(ARRAY_AGG(entry.level_id %s) %s)[1]", _RANKED, _REACHED)
LEVEL_DATE = SQL("(ARRAY_AGG(entry.date::date %s) %s)[1]", _RANKED, _REACHED)
COURTESY_DATE = SQL(
    "MIN(entry.date::date) FILTER (WHERE entry.event IN ('courtesy', 'failure') "
    "AND level.days_overdue < 0)"
)
# the fields these queries read, flushed before they run
LOG_FIELDS = {
    "debt.recovery.interaction": ["event", "level_id", "date", "invoice_ids"],
    "debt.recovery.level": ["days_overdue", "sequence"],
}


class AccountMove(models.Model):
    """The invoice's memory, read from the log and never stored on the
    invoice: a run that contacts thousands of customers would otherwise
    rewrite thousands of invoice rows (each with all the invoice's indexes)
    for what the log already says. Shown, searched, grouped and exported
    through SQL on the log."""

    _inherit = "account.move"

    # Rule 8: the levels the invoice reached; never written by hand (nor
    # through account.move.write and its accounting checks).
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
    # due date.
    debt_courtesy_date = fields.Date(
        string="Courtesy Reminder",
        compute="_compute_debt_level",
        search="_search_debt_courtesy_date",
        help="Date of the courtesy reminder sent before the due date.",
        groups=COLLECTOR_GROUP,
    )
    # A dispute holds its invoices off the ladder while it is open: its
    # entry lists them (held_invoice_ids), so logging a reminder recomputes
    # nothing of its invoices.
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

    # ------------------------------------------------------------------
    # Level reached and courtesy reminder
    # ------------------------------------------------------------------
    @api.depends(
        "debt_interaction_ids.event",
        "debt_interaction_ids.date",
        "debt_interaction_ids.level_id.days_overdue",
        "debt_interaction_ids.level_id.sequence",
    )
    def _compute_debt_level(self):
        """One query for the invoices shown."""
        reached = self._origin._debt_levels_reached()
        Level = self.env["debt.recovery.level"]
        for move in self:
            level_id, level_date, courtesy_date = reached.get(
                move._origin.id, (False,) * 3
            )
            move.debt_level_id = Level.browse(level_id)
            move.debt_level_date = level_date
            move.debt_courtesy_date = courtesy_date

    def _debt_levels_reached(self):
        """``{move id: (level id, date, courtesy date)}`` from the log."""
        ids = [move_id for move_id in self.ids if move_id]
        if not ids:
            return {}
        rows = self.env.execute_query(
            SQL(
                "%s WHERE rel.move_id = ANY(%s) GROUP BY rel.move_id",
                self._log_query(
                    SQL("rel.move_id"), LEVEL_REACHED, LEVEL_DATE, COURTESY_DATE
                ),
                ids,
            )
        )
        return {move_id: values for move_id, *values in rows}

    @api.model
    def _log_query(self, *columns):
        """``SELECT columns`` over the log entries of invoices
        (``rel.move_id``), to be completed by a condition on them."""
        return SQL(
            "SELECT %s FROM debt_recovery_interaction_account_move_rel rel "
            "JOIN debt_recovery_interaction entry ON entry.id = rel.interaction_id "
            "LEFT JOIN debt_recovery_level level ON level.id = entry.level_id",
            SQL(", ").join(columns),
            to_flush=[
                self.env[model]._fields[name]
                for model, names in LOG_FIELDS.items()
                for name in names
            ],
        )

    def _field_to_sql(self, alias, field_expr, query=None):
        # the level reached and the dispute flag, for grouping, sorting and
        # the export (as for a stored field, the reader needs the field)
        if field_expr in ("debt_level_id", "debt_disputed"):
            self._check_field_access(self._fields[field_expr], "read")
            if field_expr == "debt_disputed":
                return self._debt_held_sql(alias)
            return SQL(
                "(%s WHERE rel.move_id = %s)",
                self._log_query(LEVEL_REACHED),
                SQL.identifier(alias, "id"),
            )
        return super()._field_to_sql(alias, field_expr, query)

    def _search_debt_level_id(self, operator, value):
        """Invoices at one of the levels ``value`` (``False``: none reached);
        each condition an EXISTS on the invoice's own entries (the rel's
        index), never a NOT IN over the whole log."""
        self._check_field_access(self._fields["debt_level_id"], "read")
        if operator in ("any", "not any"):
            levels = self.env["debt.recovery.level"].with_context(active_test=False)
            if not isinstance(value, (list, tuple, Domain)):  # a subquery
                value = [("id", "in", value)]
            value = levels.search(value).ids
            operator = "in" if operator == "any" else "not in"
        if operator not in ("in", "not in"):
            return NotImplemented
        ids = tuple(level for level in value if level)
        none_reached = False in value

        def to_sql(model, alias, query):
            entries = SQL(
                "%s WHERE rel.move_id = %s AND entry.event = 'level' "
                "AND entry.level_id IS NOT NULL",
                model._log_query(SQL("1")),
                SQL.identifier(alias, "id"),
            )
            conditions = []
            if ids:
                conditions.append(
                    SQL("EXISTS (%s HAVING %s IN %s)", entries, LEVEL_REACHED, ids)
                )
            if none_reached:
                conditions.append(SQL("NOT EXISTS (%s)", entries))
            matches = SQL("(%s)", SQL(" OR ").join(conditions or [SQL("FALSE")]))
            return matches if operator == "in" else SQL("NOT %s", matches)

        return Domain.custom(to_sql=to_sql)

    def _search_debt_courtesy_date(self, operator, value):
        """Whether a courtesy reminder announced the invoice (``= False``)."""
        self._check_field_access(self._fields["debt_courtesy_date"], "read")
        if operator not in ("in", "not in") or list(value) != [False]:
            return NotImplemented

        def to_sql(model, alias, query):
            announced = SQL(
                "EXISTS (%s WHERE rel.move_id = %s "
                "AND entry.event IN ('courtesy', 'failure') "
                "AND level.days_overdue < 0)",
                model._log_query(SQL("1")),
                SQL.identifier(alias, "id"),
            )
            return SQL("NOT %s", announced) if operator == "in" else announced

        return Domain.custom(to_sql=to_sql)

    # ------------------------------------------------------------------
    # Disputes
    # ------------------------------------------------------------------
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
        return SQL(
            "EXISTS (SELECT 1 FROM debt_recovery_interaction_held_move_rel held "
            "WHERE held.move_id = %s)",
            SQL.identifier(alias, "id"),
            to_flush=self.env["debt.recovery.interaction"]._fields["held_invoice_ids"],
        )

    def _search_debt_disputed(self, operator, value):
        self._check_field_access(self._fields["debt_disputed"], "read")
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
