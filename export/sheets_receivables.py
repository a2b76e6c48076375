"""The receivable sheets of the debt recovery export: the overview per
customer and the open items, one function each.

A sheet function takes the export wizard and the data ``_xlsx_prepare``
collected, and returns a ``Sheet``: its columns, declared once below, and its
rows (a list, or a generator read once while the sheet is written), dicts
keyed by column key that also hold the currency ids the money columns name.
"""

from odoo.fields import Domain
from odoo.tools.translate import LazyTranslate

from ..models import debt_recovery_aging as aging
from . import queries
from .workbook import Column, Sheet

_lt = LazyTranslate(__name__)


OVERVIEW_COLUMNS = [
    Column("customer", _lt("Customer"), width=32),
    Column("reference", _lt("Reference")),
    Column("collector", _lt("Collector"), width=18),
    Column("policy", _lt("Policy"), width=18),
    Column("level", _lt("Level"), width=16),
    Column("status", _lt("Status"), width=16),
    Column.money("total", _lt("Total Due"), total=True),
    Column.money("overdue", _lt("Overdue"), total=True),
    *(Column.money(f"bucket_{key}", label, total=True) for key, label in aging.BUCKETS),
    Column("oldest_days", _lt("Oldest Days Overdue"), "int", 10),
    Column("last_contact", _lt("Last Contact"), "date"),
    Column("last_contact_channel", _lt("Last Contact Channel")),
    Column("last_contact_outcome", _lt("Last Contact Outcome"), width=18),
    Column("next_action", _lt("Next Action"), "date"),
    Column("promise_date", _lt("Promise Date"), "date"),
    Column.money("promise_amount", _lt("Promise Amount")),
    Column("promise_status", _lt("Promise Status")),
    Column("plan", _lt("Payment Plan"), width=16),
    Column("plan_status", _lt("Plan Status")),
    Column("next_instalment", _lt("Next Instalment"), "date"),
    Column.money("instalment_amount", _lt("Instalment Amount"), "plan_currency_id"),
    Column("company", _lt("Company"), width=20),
]
ITEM_COLUMNS = [
    Column("customer", _lt("Customer"), width=32),
    Column("reference", _lt("Reference")),
    Column("document", _lt("Document"), width=20),
    Column("type", _lt("Type"), width=14),
    Column("invoice_date", _lt("Invoice Date"), "date"),
    Column("date", _lt("Accounting Date"), "date"),
    Column("date_due", _lt("Due Date"), "date"),
    Column("currency", _lt("Currency"), width=9),
    Column.money("amount_currency", _lt("Amount in Currency")),
    Column.money("residual_currency", _lt("Residual in Currency")),
    Column.money("balance", _lt("Amount"), "company_currency_id"),
    Column.money("residual", _lt("Residual"), "company_currency_id", total=True),
    Column("days_overdue", _lt("Days Overdue"), "int", 10),
    Column("aging", _lt("Aging"), width=14),
    Column("level", _lt("Level Reached"), width=16),
    Column("disputed", _lt("Disputed"), "bool", 10),
    Column("plan", _lt("Payment Plan"), width=16),
    Column("no_followup", _lt("No Follow-up"), "bool", 10),
    Column("blocked", _lt("Blocked"), "bool", 10),
    Column("company", _lt("Company"), width=20),
]


# ----------------------------------------------------------------------
# Overview: one row per customer
# ----------------------------------------------------------------------
def overview(export, data):
    env = export.env
    rows, footer = [], []
    for company in data["companies"]:
        figures = data["figures"][company]
        if not figures:
            continue
        rows.extend(_overview_rows(export, company, figures))
        (ledger,) = queries.rows(
            env,
            queries.ledger_balance_query(
                env, company, export.date_to, data["items"][company]
            ),
        )
        label = env._(
            "Receivable balance in the ledger, %(company)s", company=company.name
        )
        footer.append((label, {"total": (ledger["balance"], company.currency_id.id)}))
    return Sheet(
        name=env._("Overview"),
        title=env._("Customer Overview"),
        columns=[column.translated(env) for column in OVERVIEW_COLUMNS],
        rows=rows,
        empty=not rows,
        total_by="company",
        footer=footer,
    )


def _overview_rows(export, company, figures):
    """The figures of each customer with the state of its follow-up in
    ``company`` (a customer without one is up to date, with its salesperson
    as collector and the company's default policy)."""
    env = export.env
    partner_ids = [row["partner_id"] for row in figures if row["partner_id"]]
    Partner = env["res.partner"].with_context(active_test=False)
    partners = Partner.browse(partner_ids)
    partners.fetch(["name", "ref", "user_id"])
    by_id = {partner.id: partner for partner in partners}
    Followup = env["debt.recovery.followup"]
    followups = Followup.search_fetch(
        [("company_id", "=", company.id), ("partner_id", "in", partner_ids)],
        [
            "partner_id",
            "policy_id",
            "level_id",
            "status",
            "collector_id",
            "last_contact_date",
            "next_action_date",
        ],
    )
    by_partner = {followup.partner_id.id: followup for followup in followups}
    policies = followups._policies()
    log = {
        row["followup_id"]: row
        for row in queries.rows(env, queries.followup_log_query(env, followups))
    }
    plans = _running_plans(export, followups)
    default_policy = env["debt.recovery.policy"]._default_for_company(company)
    Interaction = env["debt.recovery.interaction"]
    statuses = export._xlsx_labels(Followup, "status")
    channels = export._xlsx_labels(Interaction, "channel")
    outcomes = export._xlsx_labels(Interaction, "outcome")
    events = export._xlsx_labels(Interaction, "event")
    promise_states = export._xlsx_labels(Interaction, "promise_state")
    plan_states = export._xlsx_labels(env["debt.recovery.plan"], "state")
    unknown = env._("Unknown customer")
    for figure in figures:
        partner = by_id.get(figure["partner_id"], Partner)
        followup = by_partner.get(partner.id, Followup)
        entries = log.get(followup.id, {})
        plan = plans.get(followup)
        if partner:
            collector = followup._collector() if followup else partner.user_id
            policy = (policies[followup] if followup else default_policy).name
            status = statuses[followup.status or "up_to_date"]
        else:
            collector, policy, status = partner.user_id, None, None
        row = dict(figure)  # total, overdue, the buckets, oldest days
        row.update(
            customer=partner.name if partner else unknown,
            reference=partner.ref or None,
            collector=collector.name or None,
            policy=policy,
            level=followup.level_id.name or None,
            status=status,
            last_contact=export._xlsx_local_date(followup.last_contact_date),
            last_contact_channel=channels[entries.get("channel")],
            last_contact_outcome=outcomes[entries.get("outcome")]
            or events[entries.get("event")],
            next_action=followup.next_action_date or None,
            promise_date=entries.get("promise_date"),
            promise_amount=entries.get("promise_amount") or None,
            promise_status=promise_states[entries.get("promise_state")],
            plan=plan.name if plan else None,
            plan_status=plan_states[plan.state] if plan else None,
            next_instalment=(plan.next_due_date or None) if plan else None,
            instalment_amount=(plan.next_amount_due or None) if plan else None,
            plan_currency_id=plan.currency_id.id if plan else None,
            company=company.name,
            currency_id=company.currency_id.id,
        )
        yield row


def _running_plans(export, followups):
    """{follow-up: its payment plan running at the end of the as-of date}."""
    if not followups:
        return {}
    as_of = export.date_to
    plans = export.env["debt.recovery.plan"].search(
        Domain("followup_id", "in", followups.ids)
        & Domain("state", "!=", "draft")
        & Domain("date_activated", "<=", as_of)
        & (Domain("date_end", "=", False) | Domain("date_end", ">", as_of)),
        order="date_activated desc, id desc",
    )
    result = {}
    for plan in plans:
        result.setdefault(plan.followup_id, plan)
    return result


# ----------------------------------------------------------------------
# Items: one row per open receivable item
# ----------------------------------------------------------------------
def items(export, data):
    env = export.env
    columns = ITEM_COLUMNS
    if len(data["companies"]) == 1:
        # the company: in the title (and kept in the rows for the totals)
        columns = [column for column in columns if column.key != "company"]
    empty = not any(data["figures"].values())
    return Sheet(
        name=env._("Open Items"),
        title=env._("Open Receivable Items"),
        columns=[column.translated(env) for column in columns],
        rows=() if empty else _item_rows(export, data),
        empty=empty,
        total_by="company",
    )


def _item_rows(export, data):
    """Streamed from the database while the sheet is written (see
    ``queries.stream``)."""
    env = export.env
    move_types = export._xlsx_labels(env["account.move"], "move_type")
    buckets = dict(aging.selection(env))
    unknown = env._("Unknown customer")
    for company in data["companies"]:
        if not data["figures"][company]:
            continue
        levels = (
            env["debt.recovery.level"]
            .with_context(active_test=False)
            .search_fetch([("company_id", "=", company.id)], ["name"])
        )
        level_names = {level.id: level.name for level in levels}
        query = queries.items_query(
            env, company, export.date_to, data["items"][company]
        )
        for row in queries.stream(env, query):
            days, residual = row["days"], row["residual"]
            row.update(
                customer=row["customer"] or unknown,
                type=move_types[row["move_type"]],
                days_overdue=days if days > 0 and residual > 0 else None,
                aging=buckets[row["bucket"]],
                level=level_names.get(row["level_id"]),
                blocked=row["payment_state"] == "blocked",
                company=company.name,
            )
            yield row
