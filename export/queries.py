"""Set-based queries of the debt recovery export: receivables as they stood at
the end of a day, and what the follow-up log says of each customer.

Every query is built on the ORM's ``_search``: the access rights and record
rules of the user (the companies they work in) apply as in any list view, and
the fields are read through ``_field_to_sql``, joined as the ORM joins them.

``amount_residual`` is today's figure. At the end of day D an item owed its
balance minus the reconciliations already made by then: the partial
reconciliations whose ``max_date`` (the later of the two matched items' dates)
is on or before D. An item reconciled today was open at D only when one of its
reconciliations is dated after D, so the items are those open today plus the
items of those later reconciliations.

The residuals of the items at D add up, per company, to the balance of the
receivable accounts at D: each reconciliation counted moves the same amount
from a debit item to a credit item, and both are dated on or before D.
"""

from odoo.fields import Domain
from odoo.tools import SQL

from ..models import debt_recovery_aging as aging

FETCH_BATCH = 2000
# What every query of the items reads of them: {column: field path}.
ITEM_FIELDS = {
    "id": "id",
    "date": "date",
    "date_maturity": "date_maturity",
    "balance": "balance",
    "amount_currency": "amount_currency",
    "currency_id": "currency_id",
    "company_currency_id": "company_currency_id",
    "commercial_partner_id": "partner_id.commercial_partner_id",
    "customer": "partner_id.commercial_partner_id.name",
    "reference": "partner_id.commercial_partner_id.ref",
}
# What the Open Items sheet reads too.
ITEM_DETAIL_FIELDS = {
    "document": "move_id.name",
    "move_type": "move_id.move_type",
    "invoice_date": "move_id.invoice_date",
    "payment_state": "move_id.payment_state",
    "level_id": "move_id.debt_level_id",
    "disputed": "move_id.debt_disputed",
    "plan": "move_id.debt_plan_id.name",
    "no_followup": "no_followup",
    "currency": "currency_id.name",
}


def rows(env, query):
    """The rows of ``query``: dicts keyed by column name."""
    return env.execute_query_dict(query)


def stream(env, query):
    """The rows of ``query`` as ``rows`` gives them, fetched in batches while
    they are read: no other query may run on the cursor meanwhile."""
    env.flush_query(query)
    cr = env.cr
    cr.execute(query)
    names = [column.name for column in cr.description]
    while batch := cr.fetchmany(FETCH_BATCH):
        for values in batch:
            yield dict(zip(names, values, strict=True))


def field_sql(model, alias, path, query):
    """The SQL of the field ``path`` (many2one links, then a field) of the
    records of ``alias`` in ``query``, the links left-joined by the ORM."""
    *links, name = path.split(".")
    for link in links:
        model, alias = model._fields[link].join(model, alias, query)
    return model._field_to_sql(alias, name, query)


def _select(model, query, columns):
    """``SELECT`` of ``query`` with ``{column: field path}``."""
    return query.select(
        *(
            SQL(
                "%s AS %s",
                field_sql(model, query.table, path, query),
                SQL.identifier(name),
            )
            for name, path in columns.items()
        )
    )


# ----------------------------------------------------------------------
# Receivable items at the end of a day
# ----------------------------------------------------------------------
def receivable_domain(company, as_of):
    """The posted receivable items of ``company`` dated up to ``as_of``."""
    return Domain(
        [
            ("company_id", "=", company.id),
            ("parent_state", "=", "posted"),
            ("account_id.account_type", "=", "asset_receivable"),
            ("date", "<=", as_of),
        ]
    )


def open_at_domain(env, company, as_of):
    """The receivable items of ``company`` still open at the end of
    ``as_of``: open today, or matched by a reconciliation dated later. They
    are found from the items open today (an index holds them) and the later
    reconciliations, never by reading the whole history."""
    receivable = receivable_domain(company, as_of)
    open_today = _move_lines(env)._search(receivable & Domain("reconciled", "=", False))
    later = env["account.partial.reconcile"]._search(Domain("max_date", ">", as_of))
    candidates = SQL(
        "%s UNION %s UNION %s",
        open_today.select(),
        later.select(SQL.identifier(later.table, "debit_move_id")),
        later.select(SQL.identifier(later.table, "credit_move_id")),
    )
    return receivable & Domain("id", "in", candidates)


def _move_lines(env):
    # the customers' own archiving hides nothing of what they owe
    return env["account.move.line"].with_context(active_test=False)


def _matched(env, as_of, side):
    """What the reconciliations dated up to ``as_of`` matched with the items
    of ``line`` on their ``side`` (debit or credit), signed as balances."""
    Partial = env["account.partial.reconcile"]
    query = Partial._search(Domain("max_date", "<=", as_of))

    def column(name):
        return Partial._field_to_sql(query.table, name, query)

    line_id = column(f"{side}_move_id")
    sign = SQL("-1") if side == "debit" else SQL("1")
    query.add_where(SQL("%s IN (SELECT id FROM line)", line_id))
    return query.select(
        SQL("%s AS line_id", line_id),
        SQL("%s * %s AS amount", sign, column("amount")),
        SQL("%s * %s AS amount_currency", sign, column(f"{side}_amount_currency")),
    )


def open_items_cte(env, company, as_of, domain=Domain.TRUE, columns=None):
    """The CTEs ending with ``item``: one row per receivable item of
    ``company`` (among ``domain``) open at the end of ``as_of``, with the
    ``columns`` read of it ({column: field path}, default ``ITEM_FIELDS``),
    its residual then (``residual`` in company currency, ``residual_currency``),
    its due date (``date_due``), its days overdue then (``days``) and its
    aging ``bucket``."""
    AML = _move_lines(env)
    query = AML._search(open_at_domain(env, company, as_of) & domain)
    residual = SQL("line.balance + COALESCE(matched.amount, 0)")
    days = SQL("%s::date - COALESCE(line.date_maturity, line.date)", as_of)
    return SQL(
        """
        line AS (%(line)s),
        matched AS (
            SELECT matching.line_id,
                   SUM(matching.amount) AS amount,
                   SUM(matching.amount_currency) AS amount_currency
              FROM (%(debit)s UNION ALL %(credit)s) matching
             GROUP BY matching.line_id
        ),
        item AS (
            SELECT line.*,
                   COALESCE(line.date_maturity, line.date) AS date_due,
                   %(residual)s AS residual,
                   line.amount_currency + COALESCE(matched.amount_currency, 0)
                       AS residual_currency,
                   %(days)s AS days,
                   %(bucket)s AS bucket
              FROM line
              LEFT JOIN matched ON matched.line_id = line.id
             WHERE %(residual)s != 0
        )
        """,
        line=_select(AML, query, columns or ITEM_FIELDS),
        debit=_matched(env, as_of, "debit"),
        credit=_matched(env, as_of, "credit"),
        residual=residual,
        days=days,
        bucket=aging.bucket_sql(days, residual),
    )


def partner_figures_query(env, company, as_of, domain=Domain.TRUE):
    """Per commercial partner (``partner_id``, None for items without one):
    ``total`` due, ``overdue`` (the overdue items net of the unallocated
    credits, never below zero), one ``bucket_<key>`` per aging bucket and the
    ``oldest_days`` overdue of an item still owed, by customer name."""
    buckets = SQL(", ").join(
        SQL(
            "COALESCE(SUM(item.residual) FILTER (WHERE item.bucket = %s), 0) AS %s",
            key,
            SQL.identifier(f"bucket_{key}"),
        )
        for key, _label in aging.BUCKETS
    )
    return SQL(
        """
        WITH %(items)s
        SELECT item.commercial_partner_id AS partner_id,
               SUM(item.residual) AS total,
               GREATEST(
                   COALESCE(SUM(item.residual) FILTER (
                       WHERE item.bucket != %(not_due)s), 0),
                   0
               ) AS overdue,
               %(buckets)s,
               MAX(item.days) FILTER (WHERE item.days > 0 AND item.residual > 0)
                   AS oldest_days
          FROM item
         GROUP BY item.commercial_partner_id, item.customer
         ORDER BY item.customer, item.commercial_partner_id NULLS LAST
        """,
        items=open_items_cte(env, company, as_of, domain),
        not_due=aging.NOT_DUE,
        buckets=buckets,
    )


def items_query(env, company, as_of, domain=Domain.TRUE):
    """The open items at the end of ``as_of`` with what the Open Items sheet
    shows of them (``ITEM_FIELDS``, ``ITEM_DETAIL_FIELDS`` and the figures
    of ``open_items_cte``), by customer name and due date."""
    items = open_items_cte(
        env, company, as_of, domain, {**ITEM_FIELDS, **ITEM_DETAIL_FIELDS}
    )
    return SQL(
        """
        WITH %(items)s
        SELECT * FROM item
         ORDER BY item.customer, item.commercial_partner_id,
                  item.date_due, item.document, item.id
        """,
        items=items,
    )


def ledger_balance_query(env, company, as_of, domain=Domain.TRUE):
    """The ``balance`` of the receivable accounts at the end of ``as_of`` for
    the items of ``domain``: the control figure the overview's total must
    equal."""
    AML = _move_lines(env)
    query = AML._search(receivable_domain(company, as_of) & domain)
    balance = AML._field_to_sql(query.table, "balance", query)
    return query.select(SQL("COALESCE(SUM(%s), 0) AS balance", balance))


# ----------------------------------------------------------------------
# The follow-up log
# ----------------------------------------------------------------------
def _latest_entry(env, domain, names):
    """The latest entry of ``domain`` in the log of the follow-up ``followup``
    of the enclosing query, with the fields ``names``."""
    Interaction = env["debt.recovery.interaction"]
    query = Interaction._search(domain, order="date desc, id desc", limit=1)

    def column(name):
        return Interaction._field_to_sql(query.table, name, query)

    query.add_where(SQL("%s = followup.id", column("followup_id")))
    return query.select(
        *(SQL("%s AS %s", column(name), SQL.identifier(name)) for name in names)
    )


def followup_log_query(env, followups):
    """Per follow-up (``followup_id``): the ``channel``, ``outcome`` and
    ``event`` of its last contact (the entry that dates its last contact) and
    its latest promise to pay (``promise_date``, ``promise_amount``,
    ``promise_state``): the open one when there is one."""
    Interaction = env["debt.recovery.interaction"]
    contact = _latest_entry(
        env, Domain(Interaction._contact_domain()), ["channel", "outcome", "event"]
    )
    promise = _latest_entry(
        env,
        Domain("outcome", "=", "promise"),
        ["promise_date", "promise_amount", "promise_state"],
    )
    return SQL(
        """
        SELECT followup.id AS followup_id, contact.*, promise.*
          FROM unnest(%(ids)s::int[]) AS followup(id)
          LEFT JOIN LATERAL (%(contact)s) contact ON TRUE
          LEFT JOIN LATERAL (%(promise)s) promise ON TRUE
        """,
        ids=list(followups.ids),
        contact=contact,
        promise=promise,
    )
