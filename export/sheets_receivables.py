"""The receivable sheets of the debt recovery export: the overview per
customer and the open items, one function each.

A sheet function takes the export wizard and the data ``_xlsx_prepare``
collected, and returns a ``Sheet``: its columns and its rows (a list, or a
generator read once while the sheet is written). Rows are tuples in column
order, followed by the hidden currency ids that the money columns name.
"""

from odoo.fields import Domain

from . import queries
from .workbook import Column, Sheet

FETCH_BATCH = 2000


def company_domain(data, partner_field="partner_id"):
    """The companies of the export, each with the customers its filters select."""
    domains = []
    for company in data["companies"]:
        domain = Domain("company_id", "=", company.id)
        customer_ids = data["customers"][company]
        if customer_ids is not None:
            domain &= Domain(
                f"{partner_field}.commercial_partner_id", "in", customer_ids
            )
        domains.append(domain)
    return Domain.OR(domains)


def selection(model, field_name):
    """{value: translated label} of a selection field (None for no value)."""
    labels = dict(model._fields[field_name]._description_selection(model.env))
    labels[False] = labels[None] = None
    return labels


def _aging_labels(export):
    env = export.env
    return (
        env._("Not Due"),
        env._("1–30"),
        env._("31–60"),
        env._("61–90"),
        env._("Over 90"),
    )


def _aging(labels, days):
    if days <= 0:
        return labels[0]
    if days <= 30:
        return labels[1]
    if days <= 60:
        return labels[2]
    return labels[3] if days <= 90 else labels[4]


# ----------------------------------------------------------------------
# Overview: one row per customer
# ----------------------------------------------------------------------
def overview(export, data):
    env = export.env
    # the rows carry, after the 26 columns, the currencies of their amounts
    currency, plan_currency = 26, 27
    columns = [
        Column(env._("Customer"), width=32),
        Column(env._("Reference"), width=12),
        Column(env._("Collector"), width=18),
        Column(env._("Policy"), width=18),
        Column(env._("Level"), width=16),
        Column(env._("Status"), width=16),
        Column(env._("Total Due"), "money", 14, currency=currency, total=True),
        Column(env._("Overdue"), "money", 14, currency=currency, total=True),
        Column(env._("Not Due"), "money", 14, currency=currency, total=True),
        Column(env._("1–30 Days"), "money", 14, currency=currency, total=True),
        Column(env._("31–60 Days"), "money", 14, currency=currency, total=True),
        Column(env._("61–90 Days"), "money", 14, currency=currency, total=True),
        Column(env._("Over 90 Days"), "money", 14, currency=currency, total=True),
        Column(env._("Oldest Days Overdue"), "int", 10),
        Column(env._("Last Contact"), "date", 12),
        Column(env._("Last Contact Channel"), width=12),
        Column(env._("Last Contact Outcome"), width=18),
        Column(env._("Next Action"), "date", 12),
        Column(env._("Promise Date"), "date", 12),
        Column(env._("Promise Amount"), "money", 14, currency=currency),
        Column(env._("Promise Status"), width=12),
        Column(env._("Payment Plan"), width=16),
        Column(env._("Plan Status"), width=12),
        Column(env._("Next Instalment"), "date", 12),
        Column(env._("Instalment Amount"), "money", 14, currency=plan_currency),
        Column(env._("Company"), width=20),
    ]
    rows, footer = [], []
    for company in data["companies"]:
        figures = data["figures"][company]
        if not figures:
            continue
        rows.extend(_overview_rows(export, data, company, figures))
        partner_ids = [row[0] for row in figures if row[0]]
        unknown = any(not row[0] for row in figures)
        env.cr.execute(
            queries.ledger_balance_query(
                company.id, export.date_to, partner_ids, unknown
            )
        )
        footer.append(
            (
                env._(
                    "Receivable balance in the ledger, %(company)s",
                    company=company.name,
                ),
                {6: (env.cr.fetchone()[0], company.currency_id.id)},
            )
        )
    return Sheet(
        name=env._("Overview"),
        title=env._("Customer Overview"),
        columns=columns,
        rows=rows,
        empty=not rows,
        total_by=25,  # the company
        footer=footer,
    )


def _overview_rows(export, data, company, figures):
    env = export.env
    Interaction = env["debt.recovery.interaction"]
    partner_ids = [row[0] for row in figures if row[0]]
    partners = env["res.partner"].with_company(company).browse(partner_ids)
    partners.fetch(
        [
            "name",
            "ref",
            "user_id",
            "debt_collector_id",
            "debt_policy_id",
            "debt_level_id",
            "debt_status",
            "debt_next_action_date",
        ]
    )
    by_id = {partner.id: partner for partner in partners}
    env.cr.execute(queries.last_contacts_query(company.id, partner_ids, data["end"]))
    contacts = {row[0]: row[1:] for row in env.cr.fetchall()}
    env.cr.execute(queries.last_promises_query(company.id, partner_ids, data["end"]))
    promises = {row[0]: row[1:] for row in env.cr.fetchall()}
    plans = _running_plans(export, company, partners)
    default_policy = env["debt.recovery.policy"]._default_for_company(company)
    Partner = env["res.partner"]
    statuses = selection(Partner, "debt_status")
    channels = selection(Interaction, "channel")
    outcomes = selection(Interaction, "outcome")
    events = selection(Interaction, "event")
    promise_states = selection(Interaction, "promise_state")
    plan_states = selection(env["debt.recovery.plan"], "state") if plans else {}
    unknown = env._("Unknown customer")
    for partner_id, total, overdue, not_due, *buckets, oldest in figures:
        partner = by_id.get(partner_id, Partner)
        contact_date, channel, outcome, event = contacts.get(partner_id, (None,) * 4)
        promise_date, promise_amount, promise_state = promises.get(
            partner_id, (None,) * 3
        )
        plan = plans.get(partner_id)
        yield (
            partner.name if partner else unknown,
            partner.ref or None,
            (partner.debt_collector_id or partner.user_id).name or None,
            (partner.debt_policy_id or default_policy).name if partner else None,
            partner.debt_level_id.name or None,
            statuses[partner.debt_status],
            total,
            overdue,
            not_due,
            *buckets,
            oldest,
            export._xlsx_local_date(contact_date),
            channels[channel],
            outcomes[outcome] or events[event],
            partner.debt_next_action_date or None,
            promise_date,
            promise_amount or None,
            promise_states[promise_state],
            plan.name if plan else None,
            plan_states[plan.state] if plan else None,
            (plan.next_due_date or None) if plan else None,
            (plan.next_amount_due or None) if plan else None,
            company.name,
            company.currency_id.id,
            plan.currency_id.id if plan else None,
        )


def _running_plans(export, company, partners):
    """{customer id: the payment plan running at the end of the as-of date}."""
    if "debt.recovery.plan" not in export.env or not partners:
        return {}
    as_of = export.date_to
    plans = export.env["debt.recovery.plan"].search(
        Domain("company_id", "=", company.id)
        & Domain("partner_id.commercial_partner_id", "in", partners.ids)
        & Domain("state", "!=", "draft")
        & Domain("date_activated", "<=", as_of)
        & (Domain("date_end", "=", False) | Domain("date_end", ">", as_of)),
        order="date_activated desc, id desc",
    )
    result = {}
    for plan in plans:
        result.setdefault(plan.partner_id.commercial_partner_id.id, plan)
    return result


# ----------------------------------------------------------------------
# Items: one row per open receivable item
# ----------------------------------------------------------------------
def items(export, data):
    env = export.env
    # the rows carry, after the 20 columns, the currencies of their amounts
    currency, company_currency = 20, 21
    columns = [
        Column(env._("Customer"), width=32),
        Column(env._("Reference"), width=12),
        Column(env._("Document"), width=20),
        Column(env._("Type"), width=14),
        Column(env._("Invoice Date"), "date", 12),
        Column(env._("Accounting Date"), "date", 12),
        Column(env._("Due Date"), "date", 12),
        Column(env._("Currency"), width=9),
        Column(env._("Amount in Currency"), "money", 14, currency=currency),
        Column(env._("Residual in Currency"), "money", 14, currency=currency),
        Column(env._("Amount"), "money", 14, currency=company_currency),
        Column(env._("Residual"), "money", 14, currency=company_currency, total=True),
        Column(env._("Days Overdue"), "int", 10),
        Column(env._("Aging"), width=10),
        Column(env._("Level Reached"), width=16),
        Column(env._("Disputed"), "bool", 10),
        Column(env._("Payment Plan"), width=16),
        Column(env._("No Follow-up"), "bool", 10),
        Column(env._("Blocked"), "bool", 10),
        Column(env._("Company"), width=20),
    ]
    if len(data["companies"]) == 1:
        columns.pop()  # the company: in the title (and kept for the totals)
    empty = not any(data["figures"].values())
    return Sheet(
        name=env._("Open Items"),
        title=env._("Open Receivable Items"),
        columns=columns,
        rows=() if empty else _item_rows(export, data),
        empty=empty,
        total_by=19,  # the company
    )


def _item_rows(export, data):
    """Streamed from the database while the sheet is written: no other query
    may run on the cursor between two batches."""
    env = export.env
    cr = env.cr
    move_types = selection(env["account.move"], "move_type")
    aging = _aging_labels(export)
    unknown = (env._("Unknown customer"), None)
    for company in data["companies"]:
        figures = data["figures"][company]
        if not figures:
            continue
        partner_ids = [row[0] for row in figures if row[0]]
        with_unknown = any(not row[0] for row in figures)
        partners = env["res.partner"].browse(partner_ids)
        partners.fetch(["name", "ref"])
        labels = {
            partner.id: (partner.name, partner.ref or None) for partner in partners
        }
        levels = (
            env["debt.recovery.level"]
            .with_context(active_test=False)
            .search_fetch([("company_id", "=", company.id)], ["name"])
        )
        level_names = {level.id: level.name for level in levels}
        cr.execute(
            queries.items_query(company.id, export.date_to, partner_ids, with_unknown)
        )
        while batch := cr.fetchmany(FETCH_BATCH):
            for (
                partner_id,
                move_name,
                move_type,
                invoice_date,
                date,
                date_due,
                currency_name,
                amount_currency,
                residual_currency,
                balance,
                residual,
                days,
                level_id,
                disputed,
                plan_name,
                no_followup,
                blocked,
                currency_id,
                company_currency_id,
            ) in batch:
                yield (
                    *labels.get(partner_id, unknown),
                    move_name,
                    move_types[move_type],
                    invoice_date,
                    date,
                    date_due,
                    currency_name,
                    amount_currency,
                    residual_currency,
                    balance,
                    residual,
                    days if days > 0 and residual > 0 else None,
                    _aging(aging, days),
                    level_names.get(level_id),
                    bool(disputed),
                    plan_name,
                    bool(no_followup),
                    bool(blocked),
                    company.name,
                    currency_id,
                    company_currency_id,
                )
