from odoo import api, fields, models
from odoo.tools import SQL, drop_view_if_exists

from . import debt_recovery_aging as aging
from .debt_recovery_followup import STATUSES


class DebtRecoveryAnalysis(models.Model):
    """Open receivables of every customer, with their follow-up state: the
    data of the Analysis graph and pivot (read-only SQL view)."""

    _name = "debt.recovery.analysis"
    _description = "Debt Recovery Analysis"
    _auto = False
    _rec_name = "partner_id"
    _order = "date_maturity, id"

    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    collector_id = fields.Many2one("res.users", readonly=True)
    level_id = fields.Many2one(
        "debt.recovery.level", string="Recovery Level", readonly=True
    )
    status = fields.Selection(STATUSES, string="Recovery Status", readonly=True)
    move_id = fields.Many2one("account.move", string="Invoice", readonly=True)
    move_line_id = fields.Many2one(
        "account.move.line", string="Journal Item", readonly=True
    )
    date_maturity = fields.Date(string="Due Date", readonly=True)
    days_overdue = fields.Integer(readonly=True, aggregator="max")
    age_bucket = fields.Selection(selection="_selection_age_bucket", readonly=True)
    is_overdue = fields.Boolean(string="Overdue", readonly=True)
    residual = fields.Monetary(
        string="Amount Due", currency_field="currency_id", readonly=True
    )

    @api.model
    def _selection_age_bucket(self):
        return aging.selection(self.env)

    @api.model
    def _table_query_sql(self):
        """Open posted receivable items with the follow-up of their customer
        in their company."""
        return SQL(
            """
            SELECT
                aml.id AS id,
                aml.id AS move_line_id,
                aml.company_id AS company_id,
                company.currency_id AS currency_id,
                partner.id AS partner_id,
                followup.collector_id AS collector_id,
                followup.level_id AS level_id,
                COALESCE(followup.status, 'up_to_date') AS status,
                aml.move_id AS move_id,
                aml.date_maturity AS date_maturity,
                GREATEST(CURRENT_DATE - aml.date_maturity, 0) AS days_overdue,
                aml.amount_residual > 0
                    AND aml.date_maturity < CURRENT_DATE AS is_overdue,
                %(age_bucket)s AS age_bucket,
                aml.amount_residual AS residual
            FROM account_move_line aml
            JOIN account_account account ON account.id = aml.account_id
            JOIN res_company company ON company.id = aml.company_id
            JOIN res_partner line_partner ON line_partner.id = aml.partner_id
            JOIN res_partner partner
                ON partner.id = line_partner.commercial_partner_id
            LEFT JOIN debt_recovery_followup followup
                ON followup.partner_id = partner.id
                AND followup.company_id = aml.company_id
            WHERE aml.parent_state = 'posted'
                AND account.account_type = 'asset_receivable'
                AND NOT aml.reconciled
                AND aml.amount_residual != 0
            """,
            age_bucket=aging.bucket_sql(
                SQL("CURRENT_DATE - aml.date_maturity"), SQL("aml.amount_residual")
            ),
        )

    def init(self):
        drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                "CREATE OR REPLACE VIEW %s AS (%s)",
                SQL.identifier(self._table),
                self._table_query_sql(),
            )
        )
