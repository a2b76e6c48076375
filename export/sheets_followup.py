"""The follow-up sheets of the debt recovery export: the interactions of the
period and the payment plans, one function each (see ``sheets_receivables``
for what a sheet function is)."""

from odoo.fields import Domain
from odoo.tools.misc import format_date
from odoo.tools.translate import LazyTranslate

from .workbook import Column, Sheet

_lt = LazyTranslate(__name__)

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


INTERACTION_COLUMNS = [
    Column("date", _lt("Date"), "datetime", 17),
    Column("customer", _lt("Customer"), width=32),
    Column("reference", _lt("Reference")),
    Column("channel", _lt("Channel"), width=10),
    Column("direction", _lt("Direction"), width=10),
    Column("event", _lt("Event"), width=18),
    Column("outcome", _lt("Outcome"), width=18),
    Column("level", _lt("Level"), width=16),
    Column("user", _lt("User"), width=18),
    Column.money("amount_due", _lt("Amount Due")),
    Column("promise_date", _lt("Promise Date"), "date"),
    Column.money("promise_amount", _lt("Promise Amount")),
    Column("invoices", _lt("Invoices"), width=24),
    Column("summary", _lt("Summary"), width=40),
    Column("automated", _lt("Automated"), "bool", 10),
    Column("system", _lt("Recorded by the System"), "bool", 10),
    Column("company", _lt("Company"), width=20),
]
PLAN_COLUMNS = [
    Column("plan", _lt("Payment Plan"), width=16),
    Column("customer", _lt("Customer"), width=32),
    Column("reference", _lt("Reference")),
    Column("plan_status", _lt("Plan Status")),
    Column("collector", _lt("Collector"), width=18),
    Column("date_start", _lt("First Date"), "date"),
    Column("frequency", _lt("Frequency")),
    Column.money("plan_total", _lt("Plan Total")),
    Column.money("plan_residual", _lt("Plan Left to Pay")),
    Column("instalment", _lt("Instalment"), "int", 10),
    Column("due_date", _lt("Due Date"), "date"),
    Column.money("amount", _lt("Amount")),
    Column.money("paid", _lt("Paid")),
    Column.money("amount_due", _lt("Left to Pay")),
    Column("instalment_status", _lt("Instalment Status"), width=14),
    Column("date_late", _lt("Late Since"), "date"),
    Column("date_activated", _lt("Activated On"), "date"),
    Column("date_end", _lt("Closed On"), "date"),
    Column("company", _lt("Company"), width=20),
]


# ----------------------------------------------------------------------
# Interactions of the period
# ----------------------------------------------------------------------
def interactions(export, data):
    env = export.env
    # an archived customer's history is exported too
    Interaction = env["debt.recovery.interaction"].with_context(active_test=False)
    # only the columns shown are read: thousands of entries name tens of
    # thousands of invoices, whose other fields must not fill the cache
    records = Interaction.search_fetch(
        export._xlsx_scope(data)
        & Domain("date", ">=", data["start"])
        & Domain("date", "<", data["end"]),
        INTERACTION_FIELDS,
        order="date, id",
    )
    records.partner_id.fetch(["name", "ref"])
    records.invoice_ids.fetch(["name"])
    records.level_id.fetch(["name"])
    channels = export._xlsx_labels(Interaction, "channel")
    directions = export._xlsx_labels(Interaction, "direction")
    events = export._xlsx_labels(Interaction, "event")
    outcomes = export._xlsx_labels(Interaction, "outcome")
    rows = [
        {
            "date": export._xlsx_local_datetime(entry.date),
            "customer": entry.partner_id.name,
            "reference": entry.partner_id.ref or None,
            "channel": channels[entry.channel],
            "direction": directions[entry.direction],
            "event": events[entry.event],
            "outcome": outcomes[entry.outcome],
            "level": entry.level_id.name or None,
            "user": entry.user_id.name or None,
            "amount_due": entry.amount_due,
            "promise_date": entry.promise_date or None,
            "promise_amount": entry.promise_amount or None,
            "invoices": ", ".join(entry.invoice_ids.mapped("name")) or None,
            "summary": entry.summary,
            "automated": entry.automated,
            "system": entry.is_system_entry,
            "company": entry.company_id.name,
            "currency_id": entry.company_id.currency_id.id,
        }
        for entry in records
    ]
    return Sheet(
        name=env._("Interactions"),
        title=env._(
            "Interactions from %(date)s", date=format_date(env, export.date_from)
        ),
        columns=[column.translated(env) for column in INTERACTION_COLUMNS],
        rows=rows,
        empty=not rows,
    )


# ----------------------------------------------------------------------
# Payment plans, one row per instalment
# ----------------------------------------------------------------------
def plans(export, data):
    env = export.env
    # an archived customer's plans are exported too
    Plan = env["debt.recovery.plan"].with_context(active_test=False)
    Instalment = env["debt.recovery.plan.instalment"]
    # agreed by the as-of date (activated, or still a draft then) and not
    # closed before the period
    records = Plan.search(
        export._xlsx_scope(data)
        & (
            Domain("date_activated", "<=", export.date_to)
            | (Domain("state", "=", "draft") & Domain("create_date", "<", data["end"]))
        )
        & (Domain("date_end", "=", False) | Domain("date_end", ">=", export.date_from)),
        order="company_id, partner_id, date_start, id",
    )
    plan_states = export._xlsx_labels(Plan, "state")
    frequencies = export._xlsx_labels(Plan, "frequency")
    instalment_states = export._xlsx_labels(Instalment, "state")
    rows = []
    for plan in records:
        customer = plan.partner_id.commercial_partner_id
        head = {
            "plan": plan.name,
            "customer": customer.name,
            "reference": customer.ref or None,
            "plan_status": plan_states[plan.state],
            "collector": plan.user_id.name or None,
            "date_start": plan.date_start,
            "frequency": frequencies[plan.frequency],
            "plan_total": plan.amount_total,
            "plan_residual": plan.amount_residual,
            "date_activated": plan.date_activated or None,
            "date_end": plan.date_end or None,
            "company": plan.company_id.name,
            "currency_id": (plan.currency_id or plan.company_id.currency_id).id,
        }
        instalments = plan.instalment_ids.sorted(
            lambda inst: (inst.due_date, inst.sequence)
        )
        for number, instalment in enumerate(instalments, start=1):
            rows.append(
                {
                    **head,
                    "instalment": number,
                    "due_date": instalment.due_date,
                    "amount": instalment.amount,
                    "paid": instalment.amount_paid,
                    "amount_due": instalment.amount_due,
                    "instalment_status": instalment_states[instalment.state],
                    "date_late": instalment.date_late or None,
                }
            )
        if not instalments:
            rows.append(head)
    return Sheet(
        name=env._("Payment Plans"),
        title=env._("Payment Plans"),
        columns=[column.translated(env) for column in PLAN_COLUMNS],
        rows=rows,
        empty=not rows,
    )
