"""Set-based queries of the debt recovery export: receivables as they stood at
the end of a day.

``amount_residual`` is today's figure. At the end of day D an item owed its
balance minus the reconciliations already made by then: the partial
reconciliations whose ``max_date`` (the later of the two matched items' dates)
is on or before D. Items reconciled today were open at D only when one of
their reconciliations is dated after D, so the candidates are the items open
today plus the items of those later reconciliations: the queries never read
the whole history.

The residuals of the items at D add up, per company, to the balance of the
receivable accounts at D: each reconciliation counted moves the same amount
from a debit item to a credit item, and both are dated on or before D.
"""

from odoo.tools import SQL


def open_items_cte(company_id, as_of, partner_ids=None):
    """The CTEs ending with ``item``: one row per receivable item of the company
    open at the end of ``as_of``, with its residual then (company currency and
    item currency) and its days overdue then. ``partner_ids``: the commercial
    partners to keep (``None``: all, items without partner included).
    """
    partner_filter = SQL("TRUE")
    if partner_ids is not None:
        partner_filter = SQL(
            "COALESCE(partner.commercial_partner_id, aml.partner_id) = ANY(%s)",
            list(partner_ids),
        )
    return SQL(
        """
        receivable AS (
            SELECT account.id
              FROM account_account account
             WHERE account.account_type = 'asset_receivable'
        ),
        candidate AS (
            SELECT aml.id
              FROM account_move_line aml
             WHERE aml.account_id IN (SELECT id FROM receivable)
               AND aml.reconciled IS NOT TRUE
               AND aml.company_id = %(company)s
               AND aml.parent_state = 'posted'
               AND aml.date <= %(as_of)s
             UNION
            SELECT partial.debit_move_id
              FROM account_partial_reconcile partial
             WHERE partial.max_date > %(as_of)s
             UNION
            SELECT partial.credit_move_id
              FROM account_partial_reconcile partial
             WHERE partial.max_date > %(as_of)s
        ),
        line AS (
            SELECT aml.id,
                   aml.move_id,
                   aml.date,
                   COALESCE(aml.date_maturity, aml.date) AS date_due,
                   aml.currency_id,
                   aml.company_currency_id,
                   aml.balance,
                   aml.amount_currency,
                   aml.no_followup,
                   COALESCE(partner.commercial_partner_id, aml.partner_id)
                       AS commercial_partner_id
              FROM candidate
              JOIN account_move_line aml ON aml.id = candidate.id
              LEFT JOIN res_partner partner ON partner.id = aml.partner_id
             WHERE aml.account_id IN (SELECT id FROM receivable)
               AND aml.company_id = %(company)s
               AND aml.parent_state = 'posted'
               AND aml.date <= %(as_of)s
               AND %(partner_filter)s
        ),
        matched AS (
            SELECT matching.line_id,
                   SUM(matching.amount) AS amount,
                   SUM(matching.amount_currency) AS amount_currency
              FROM (
                    SELECT partial.debit_move_id AS line_id,
                           -partial.amount AS amount,
                           -partial.debit_amount_currency AS amount_currency
                      FROM account_partial_reconcile partial
                      JOIN line ON line.id = partial.debit_move_id
                     WHERE partial.max_date <= %(as_of)s
                     UNION ALL
                    SELECT partial.credit_move_id,
                           partial.amount,
                           partial.credit_amount_currency
                      FROM account_partial_reconcile partial
                      JOIN line ON line.id = partial.credit_move_id
                     WHERE partial.max_date <= %(as_of)s
                   ) matching
             GROUP BY matching.line_id
        ),
        item AS (
            SELECT line.*,
                   line.balance + COALESCE(matched.amount, 0) AS residual,
                   line.amount_currency + COALESCE(matched.amount_currency, 0)
                       AS residual_currency,
                   %(as_of)s::date - line.date_due AS days
              FROM line
              LEFT JOIN matched ON matched.line_id = line.id
             WHERE line.balance + COALESCE(matched.amount, 0) != 0
        )
        """,
        company=company_id,
        as_of=as_of,
        partner_filter=partner_filter,
    )


def partner_figures_query(company_id, as_of, partner_ids=None):
    """Per commercial partner: total due, overdue, not due, the four overdue
    buckets (1-30, 31-60, 61-90, over 90 days) and the oldest days overdue of
    an item still owed, ordered by customer name."""
    return SQL(
        """
        WITH %(items)s
        SELECT item.commercial_partner_id,
               SUM(residual),
               COALESCE(SUM(residual) FILTER (WHERE days > 0), 0),
               COALESCE(SUM(residual) FILTER (WHERE days <= 0), 0),
               COALESCE(SUM(residual) FILTER (WHERE days BETWEEN 1 AND 30), 0),
               COALESCE(SUM(residual) FILTER (WHERE days BETWEEN 31 AND 60), 0),
               COALESCE(SUM(residual) FILTER (WHERE days BETWEEN 61 AND 90), 0),
               COALESCE(SUM(residual) FILTER (WHERE days > 90), 0),
               MAX(days) FILTER (WHERE days > 0 AND residual > 0)
          FROM item
          LEFT JOIN res_partner partner ON partner.id = item.commercial_partner_id
         GROUP BY item.commercial_partner_id, partner.name
         ORDER BY partner.name, item.commercial_partner_id NULLS LAST
        """,
        items=open_items_cte(company_id, as_of, partner_ids),
    )


def items_query(company_id, as_of, partner_ids, with_unknown_partner):
    """The open items of ``partner_ids`` at the end of ``as_of``, ordered by
    customer name and due date, with what the items sheet shows of them."""
    partners = SQL("item.commercial_partner_id = ANY(%s)", list(partner_ids))
    if with_unknown_partner:
        partners = SQL("(%s OR item.commercial_partner_id IS NULL)", partners)
    return SQL(
        """
        WITH %(items)s
        SELECT item.commercial_partner_id,
               move.name,
               move.move_type,
               move.invoice_date,
               item.date,
               item.date_due,
               currency.name,
               item.amount_currency,
               item.residual_currency,
               item.balance,
               item.residual,
               item.days,
               move.debt_level_id,
               move.debt_disputed,
               plan.name,
               item.no_followup,
               move.payment_state = 'blocked',
               item.currency_id,
               item.company_currency_id
          FROM item
          JOIN account_move move ON move.id = item.move_id
          LEFT JOIN res_currency currency ON currency.id = item.currency_id
          LEFT JOIN debt_recovery_plan plan ON plan.id = move.debt_plan_id
          LEFT JOIN res_partner partner ON partner.id = item.commercial_partner_id
         WHERE %(partners)s
         ORDER BY partner.name, item.commercial_partner_id,
                  item.date_due, move.name, item.id
        """,
        items=open_items_cte(company_id, as_of),
        partners=partners,
    )


def ledger_balance_query(company_id, as_of, partner_ids, with_unknown_partner):
    """The balance of the receivable accounts at the end of ``as_of`` for these
    customers: the control figure the overview's total must equal."""
    partners = SQL(
        "COALESCE(partner.commercial_partner_id, aml.partner_id) = ANY(%s)",
        list(partner_ids),
    )
    if with_unknown_partner:
        partners = SQL("(%s OR aml.partner_id IS NULL)", partners)
    return SQL(
        """
        SELECT COALESCE(SUM(aml.balance), 0)
          FROM account_move_line aml
          JOIN account_account account ON account.id = aml.account_id
          LEFT JOIN res_partner partner ON partner.id = aml.partner_id
         WHERE aml.company_id = %(company)s
           AND aml.parent_state = 'posted'
           AND aml.date <= %(as_of)s
           AND account.account_type = 'asset_receivable'
           AND %(partners)s
        """,
        company=company_id,
        as_of=as_of,
        partners=partners,
    )


def last_contacts_query(company_id, partner_ids, before):
    """Per customer, the last inbound or outbound contact logged before
    ``before`` (UTC): date, channel, outcome, event."""
    return SQL(
        """
        SELECT DISTINCT ON (interaction.partner_id)
               interaction.partner_id,
               interaction.date,
               interaction.channel,
               interaction.outcome,
               interaction.event
          FROM debt_recovery_interaction interaction
         WHERE interaction.company_id = %(company)s
           AND interaction.partner_id = ANY(%(partners)s)
           AND interaction.direction IN ('inbound', 'outbound')
           AND interaction.date < %(before)s
         ORDER BY interaction.partner_id, interaction.date DESC, interaction.id DESC
        """,
        company=company_id,
        partners=list(partner_ids),
        before=before,
    )


def last_promises_query(company_id, partner_ids, before):
    """Per customer, the last promise to pay logged before ``before`` (UTC),
    the one that stood then: promised date, amount and (current) state."""
    return SQL(
        """
        SELECT DISTINCT ON (interaction.partner_id)
               interaction.partner_id,
               interaction.promise_date,
               interaction.promise_amount,
               interaction.promise_state
          FROM debt_recovery_interaction interaction
         WHERE interaction.company_id = %(company)s
           AND interaction.partner_id = ANY(%(partners)s)
           AND interaction.outcome = 'promise'
           AND interaction.date < %(before)s
         ORDER BY interaction.partner_id, interaction.date DESC, interaction.id DESC
        """,
        company=company_id,
        partners=list(partner_ids),
        before=before,
    )
