"""Deterministic receivables for the daily-run benchmark.

P customers x N posted invoices with due dates spread over the last 150 days
and the next 30, full and partial payments, unreconciled credit notes,
disputes and items flagged no_followup. Same seed, same data.

    python3 bench/generate.py -c ODOO_CONF -d DB --partners 5000 --invoices 50000
"""

import argparse
import random
import time
from datetime import timedelta

from common import odoo_env

from odoo import fields

BATCH = 1000


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--partners", type=int, default=5000)
    parser.add_argument("--invoices", type=int, default=50000)
    parser.add_argument("--seed", type=int, default=19)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    started = time.monotonic()
    with odoo_env(args.config, args.database) as env:
        env = env(
            context={
                "tracking_disable": True,
                "mail_create_nolog": True,
                "mail_notrack": True,
            }
        )
        company = env.company
        journal = env["account.journal"].search(
            [("type", "=", "sale"), ("company_id", "=", company.id)], limit=1
        )
        account = env["account.account"].search(
            [
                ("account_type", "=", "income"),
                *env["account.account"]._check_company_domain(company),
            ],
            limit=1,
        )
        today = fields.Date.context_today(env.user)
        partners = env["res.partner"].create(
            [
                {
                    "name": f"Bench customer {index:05d}",
                    "is_company": True,
                    "email": f"customer{index:05d}@bench.example.com",
                }
                for index in range(args.partners)
            ]
        )
        env.cr.commit()
        print(
            f"{len(partners)} customers in {time.monotonic() - started:.0f}s",
            flush=True,
        )
        invoices = env["account.move"]
        for start in range(0, args.invoices, BATCH):
            vals_list = []
            for index in range(start, min(start + BATCH, args.invoices)):
                due = today + timedelta(days=rng.randint(-150, 30))
                vals_list.append(
                    {
                        "move_type": "out_invoice",
                        "partner_id": partners[index % len(partners)].id,
                        "journal_id": journal.id,
                        "invoice_date": due - timedelta(days=30),
                        "invoice_date_due": due,
                        "invoice_line_ids": [
                            (
                                0,
                                0,
                                {
                                    "name": "Services",
                                    "quantity": 1,
                                    "price_unit": rng.randint(50, 5000),
                                    "account_id": account.id,
                                    "tax_ids": [],
                                },
                            )
                        ],
                    }
                )
            batch = env["account.move"].create(vals_list)
            batch.action_post()
            invoices |= batch
            env.cr.commit()
            env.invalidate_all()
            print(
                f"{len(invoices)} invoices in {time.monotonic() - started:.0f}s",
                flush=True,
            )
        settle(env, rng, invoices, started)
        env.cr.commit()
    print(f"done in {time.monotonic() - started:.0f}s")


def settle(env, rng, invoices, started):
    """Payments, credit notes, disputes and no_followup items."""
    invoices = list(invoices)
    rng.shuffle(invoices)
    share = len(invoices) // 100
    paid = env["account.move"].browse([inv.id for inv in invoices[: 15 * share]])
    partial = invoices[15 * share : 20 * share]
    disputed = env["account.move"].browse(
        [inv.id for inv in invoices[20 * share : 22 * share]]
    )
    no_followup = env["account.move"].browse(
        [inv.id for inv in invoices[22 * share : 23 * share]]
    )
    for start in range(0, len(paid), BATCH):
        chunk = paid[start : start + BATCH]
        env["account.payment.register"].with_context(
            active_model="account.move", active_ids=chunk.ids
        ).create({"group_payment": False})._create_payments()
        env.cr.commit()
    print(f"{len(paid)} invoices paid in {time.monotonic() - started:.0f}s", flush=True)
    refunds = env["account.move"].create(
        [
            {
                "move_type": "out_refund",
                "partner_id": invoice.partner_id.id,
                "journal_id": invoice.journal_id.id,
                "invoice_date": invoice.invoice_date,
                "invoice_line_ids": [
                    (
                        0,
                        0,
                        {
                            "name": "Partial credit",
                            "quantity": 1,
                            "tax_ids": [],
                            "price_unit": round(
                                invoice.amount_total * rng.uniform(0.1, 0.6), 2
                            ),
                            "account_id": invoice.invoice_line_ids.account_id.id,
                        },
                    )
                ],
            }
            for invoice in partial
        ]
    )
    refunds.action_post()
    # two thirds of the credit notes are matched with their invoice (partial
    # payments), the rest stay open and net the customer's balance
    for invoice, refund in list(zip(partial, refunds))[: len(partial) * 2 // 3]:
        lines = (invoice.line_ids | refund.line_ids).filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )
        lines.reconcile()
    env.cr.commit()
    print(
        f"{len(refunds)} credit notes in {time.monotonic() - started:.0f}s", flush=True
    )
    disputed.write({"debt_disputed": True, "debt_dispute_reason": "Benchmark dispute"})
    no_followup.line_ids.filtered(
        lambda line: line.account_id.account_type == "asset_receivable"
    ).write({"no_followup": True})


if __name__ == "__main__":
    main()
