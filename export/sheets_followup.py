"""The follow-up sheets of the debt recovery export: the interactions of the
period and the payment plans, one function each (see
``sheets_receivables`` for what a sheet function is)."""

from odoo.fields import Domain
from odoo.tools.misc import format_date

from .sheets_receivables import company_domain, selection
from .workbook import Column, Sheet

INTERACTION_FIELDS = [
    "date",
    "partner_id",
    "channel",
    "direction",
    "event",
    "outcome",
    "level_id",
    "user_id",
    "amount_due",
    "promise_date",
    "promise_amount",
    "invoice_ids",
    "summary",
    "automated",
    "company_id",
]


# ----------------------------------------------------------------------
# Interactions of the period
# ----------------------------------------------------------------------
def interactions(export, data):
    env = export.env
    currency = 17  # the rows carry the currency of their amounts after the columns
    columns = [
        Column(env._("Date"), "datetime", 17),
        Column(env._("Customer"), width=32),
        Column(env._("Reference"), width=12),
        Column(env._("Channel"), width=10),
        Column(env._("Direction"), width=10),
        Column(env._("Event"), width=18),
        Column(env._("Outcome"), width=18),
        Column(env._("Level"), width=16),
        Column(env._("User"), width=18),
        Column(env._("Amount Due"), "money", 14, currency=currency),
        Column(env._("Promise Date"), "date", 12),
        Column(env._("Promise Amount"), "money", 14, currency=currency),
        Column(env._("Invoices"), width=24),
        Column(env._("Summary"), width=40),
        Column(env._("Automated"), "bool", 10),
        Column(env._("Recorded by the System"), "bool", 10),
        Column(env._("Company"), width=20),
    ]
    Interaction = env["debt.recovery.interaction"]
    # only the columns shown are read: thousands of entries name tens of
    # thousands of invoices, whose other fields must not fill the cache
    records = Interaction.search_fetch(
        company_domain(data)
        & Domain("date", ">=", data["start"])
        & Domain("date", "<", data["end"]),
        INTERACTION_FIELDS,
        order="date, id",
    )
    records.partner_id.fetch(["name", "ref"])
    records.invoice_ids.fetch(["name"])
    records.level_id.fetch(["name"])
    channels = selection(Interaction, "channel")
    directions = selection(Interaction, "direction")
    events = selection(Interaction, "event")
    outcomes = selection(Interaction, "outcome")
    rows = [
        (
            export._xlsx_local_datetime(entry.date),
            entry.partner_id.name,
            entry.partner_id.ref or None,
            channels[entry.channel],
            directions[entry.direction],
            events[entry.event],
            outcomes[entry.outcome],
            entry.level_id.name or None,
            entry.user_id.name or None,
            entry.amount_due,
            entry.promise_date or None,
            entry.promise_amount or None,
            ", ".join(entry.invoice_ids.mapped("name")) or None,
            entry.summary,
            entry.automated,
            entry.is_system_entry,
            entry.company_id.name,
            entry.company_id.currency_id.id,
        )
        for entry in records
    ]
    return Sheet(
        name=env._("Interactions"),
        title=env._(
            "Interactions from %(date)s", date=format_date(env, export.date_from)
        ),
        columns=columns,
        rows=rows,
        empty=not rows,
    )


# ----------------------------------------------------------------------
# Payment plans, one row per instalment
# ----------------------------------------------------------------------
def plans(export, data):
    env = export.env
    currency = 19  # the rows carry the currency of their amounts after the columns
    columns = [
        Column(env._("Payment Plan"), width=16),
        Column(env._("Customer"), width=32),
        Column(env._("Reference"), width=12),
        Column(env._("Plan Status"), width=12),
        Column(env._("Collector"), width=18),
        Column(env._("First Date"), "date", 12),
        Column(env._("Frequency"), width=12),
        Column(env._("Plan Total"), "money", 14, currency=currency),
        Column(env._("Plan Left to Pay"), "money", 14, currency=currency),
        Column(env._("Instalment"), "int", 10),
        Column(env._("Due Date"), "date", 12),
        Column(env._("Amount"), "money", 14, currency=currency),
        Column(env._("Paid"), "money", 14, currency=currency),
        Column(env._("Left to Pay"), "money", 14, currency=currency),
        Column(env._("Instalment Status"), width=14),
        Column(env._("Late Since"), "date", 12),
        Column(env._("Activated On"), "date", 12),
        Column(env._("Closed On"), "date", 12),
        Column(env._("Company"), width=20),
    ]
    Plan = env["debt.recovery.plan"]
    Instalment = env["debt.recovery.plan.instalment"]
    # agreed by the as-of date (activated, or still a draft then) and not
    # closed before the period
    records = Plan.search(
        company_domain(data)
        & (
            Domain("date_activated", "<=", export.date_to)
            | (Domain("state", "=", "draft") & Domain("create_date", "<", data["end"]))
        )
        & (Domain("date_end", "=", False) | Domain("date_end", ">=", export.date_from)),
        order="company_id, partner_id, date_start, id",
    )
    plan_states = selection(Plan, "state")
    frequencies = selection(Plan, "frequency")
    instalment_states = selection(Instalment, "state")
    rows = []
    for plan in records:
        currency = plan.currency_id or plan.company_id.currency_id
        head = (
            plan.name,
            plan.partner_id.commercial_partner_id.name,
            plan.partner_id.commercial_partner_id.ref or None,
            plan_states[plan.state],
            plan.user_id.name or None,
            plan.date_start,
            frequencies[plan.frequency],
            plan.amount_total,
            plan.amount_residual,
        )
        tail = (
            plan.date_activated or None,
            plan.date_end or None,
            plan.company_id.name,
        )
        instalments = plan.instalment_ids.sorted(
            lambda inst: (inst.due_date, inst.sequence)
        )
        for number, instalment in enumerate(instalments, start=1):
            rows.append(
                (
                    *head,
                    number,
                    instalment.due_date,
                    instalment.amount,
                    instalment.amount_paid,
                    instalment.amount_due,
                    instalment_states[instalment.state],
                    instalment.date_late or None,
                    *tail,
                    currency.id,
                )
            )
        if not instalments:
            rows.append((*head, *(None,) * 7, *tail, currency.id))
    return Sheet(
        name=env._("Payment Plans"),
        title=env._("Payment Plans"),
        columns=columns,
        rows=rows,
        empty=not rows,
    )
