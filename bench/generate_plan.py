"""What bench/generate.py makes, decided before anything is written.

The plan is plain Python drawn from one seeded random generator: the same
seed and sizes give the same customers, invoices, payments, credit notes,
disputes and no_followup items, whichever writer (ORM or SQL) then records
them. That is what lets the SQL writer be checked against the ORM one
(bench/check_generator.py).
"""

import random
from dataclasses import dataclass, field
from datetime import timedelta

# Invoices are created (and payments registered) in batches of this size; the
# SQL writer numbers the moves as posting those batches would.
BATCH = 1000


@dataclass
class Invoice:
    index: int  # creation order
    partner: int  # index of the customer
    invoice_date: object
    due: object
    amount: int  # one line, no tax: the invoice's total
    paid: bool = False  # fully paid by a payment of its own, on `today`
    credit: float = 0.0  # amount of a credit note for this customer, if any
    credit_matched: bool = False  # the credit note is reconciled with it
    disputed: bool = False
    no_followup: bool = False


@dataclass
class Plan:
    today: object
    partners: int
    invoices: list = field(default_factory=list)
    paid: list = field(default_factory=list)  # Invoice, in payment order
    credited: list = field(default_factory=list)  # Invoice, credit note order

    def partner_name(self, index):
        return f"Bench customer {index:05d}"

    def partner_email(self, index):
        return f"customer{index:05d}@bench.example.com"


def make_plan(partners, invoices, seed, today):
    """P customers x N invoices with due dates spread over the last 150 days
    and the next 30 (issued 30 days before), 15% fully paid today, 5% with a
    partial credit note (two thirds of them matched with the invoice, the
    others left open, netting the customer's balance), 2% disputed, 1% of the
    receivable items flagged no_followup."""
    rng = random.Random(seed)
    plan = Plan(today=today, partners=partners)
    for index in range(invoices):
        due = today + timedelta(days=rng.randint(-150, 30))
        plan.invoices.append(
            Invoice(
                index=index,
                partner=index % partners,
                invoice_date=due - timedelta(days=30),
                due=due,
                amount=rng.randint(50, 5000),
            )
        )
    shuffled = list(plan.invoices)
    rng.shuffle(shuffled)
    share = len(shuffled) // 100
    plan.paid = shuffled[: 15 * share]
    plan.credited = shuffled[15 * share : 20 * share]
    for invoice in plan.paid:
        invoice.paid = True
    for position, invoice in enumerate(plan.credited):
        invoice.credit = round(invoice.amount * rng.uniform(0.1, 0.6), 2)
        invoice.credit_matched = position < len(plan.credited) * 2 // 3
    for invoice in shuffled[20 * share : 22 * share]:
        invoice.disputed = True
    for invoice in shuffled[22 * share : 23 * share]:
        invoice.no_followup = True
    return plan


def disputes(env, plan, moves):
    """Dispute the planned invoices as a collector logs it: one inbound
    interaction with the outcome "dispute" per invoice (the addon's own
    create, which opens the dispute and refreshes the follow-up).
    ``moves``: {invoice index: account.move id}."""
    from odoo import Command

    vals_list = [
        {
            "partner_id": env["account.move"].browse(moves[inv.index]).partner_id.id,
            "company_id": env.company.id,
            "channel": "phone",
            "direction": "inbound",
            "outcome": "dispute",
            "dispute_reason": "Benchmark dispute",
            "summary": "Dispute",
            "invoice_ids": [Command.set([moves[inv.index]])],
        }
        for inv in plan.invoices
        if inv.disputed
    ]
    for start in range(0, len(vals_list), BATCH):
        env["debt.recovery.interaction"].create(vals_list[start : start + BATCH])
        env.cr.commit()
        env.invalidate_all()
    return len(vals_list)
