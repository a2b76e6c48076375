"""The ORM writer of bench/generate.py: the plan recorded the way a user
would, through Odoo's own business methods (invoices created and posted in
batches, payments registered with the payment wizard, credit notes posted and
reconciled with ``reconcile()``, no_followup set on the items).

Slow (about 30 minutes for 50,000 invoices; hours for 500,000): it is the
reference that the SQL writer is checked against (bench/check_generator.py),
and is used by ``generate.py --via orm``.
"""

import time

from generate_plan import BATCH


def write(env, plan, started):
    """Record ``plan``; return ``(partner ids, {invoice index: move id})``."""
    company = env.company
    journal = env["account.journal"].search(
        [("type", "=", "sale"), ("company_id", "=", company.id)], limit=1
    )
    account = income_account(env, company)
    partners = env["res.partner"].create(
        [
            {
                "name": plan.partner_name(index),
                "is_company": True,
                "email": plan.partner_email(index),
            }
            for index in range(plan.partners)
        ]
    )
    env.cr.commit()
    print(f"{len(partners)} customers in {time.monotonic() - started:.0f}s", flush=True)
    moves = {}
    for start in range(0, len(plan.invoices), BATCH):
        chunk = plan.invoices[start : start + BATCH]
        batch = env["account.move"].create(
            [
                {
                    "move_type": "out_invoice",
                    "partner_id": partners[invoice.partner].id,
                    "journal_id": journal.id,
                    "invoice_date": invoice.invoice_date,
                    "invoice_date_due": invoice.due,
                    "invoice_line_ids": [line(account, "Services", invoice.amount)],
                }
                for invoice in chunk
            ]
        )
        batch.action_post()
        moves.update(zip((invoice.index for invoice in chunk), batch.ids, strict=True))
        env.cr.commit()
        env.invalidate_all()
        print(f"{len(moves)} invoices in {time.monotonic() - started:.0f}s", flush=True)
    pay(env, plan, moves)
    print(
        f"{len(plan.paid)} invoices paid in {time.monotonic() - started:.0f}s",
        flush=True,
    )
    credit(env, plan, moves, partners, journal, account)
    print(
        f"{len(plan.credited)} credit notes in {time.monotonic() - started:.0f}s",
        flush=True,
    )
    flagged = env["account.move"].browse(
        [moves[inv.index] for inv in plan.invoices if inv.no_followup]
    )
    flagged.line_ids.filtered(
        lambda item: item.account_id.account_type == "asset_receivable"
    ).write({"no_followup": True})
    env.cr.commit()
    return partners.ids, moves


def income_account(env, company):
    return env["account.account"].search(
        [
            ("account_type", "=", "income"),
            *env["account.account"]._check_company_domain(company),
        ],
        limit=1,
    )


def line(account, name, amount):
    return (
        0,
        0,
        {
            "name": name,
            "quantity": 1,
            "price_unit": amount,
            "account_id": account.id,
            "tax_ids": [],
        },
    )


def pay(env, plan, moves):
    """One payment per paid invoice, its full residual, dated today."""
    for start in range(0, len(plan.paid), BATCH):
        chunk = env["account.move"].browse(
            [moves[inv.index] for inv in plan.paid[start : start + BATCH]]
        )
        env["account.payment.register"].with_context(
            active_model="account.move", active_ids=chunk.ids
        ).create(
            {"group_payment": False, "payment_date": plan.today}
        )._create_payments()
        env.cr.commit()
        env.invalidate_all()


def credit(env, plan, moves, partners, journal, account):
    """The credit notes, posted at once; the matched ones reconciled with
    their invoice, one by one."""
    refunds = env["account.move"].create(
        [
            {
                "move_type": "out_refund",
                "partner_id": partners[inv.partner].id,
                "journal_id": journal.id,
                "invoice_date": inv.invoice_date,
                "invoice_line_ids": [line(account, "Partial credit", inv.credit)],
            }
            for inv in plan.credited
        ]
    )
    refunds.action_post()
    for inv, refund in zip(plan.credited, refunds, strict=True):
        if inv.credit_matched:
            invoice = env["account.move"].browse(moves[inv.index])
            (invoice.line_ids | refund.line_ids).filtered(
                lambda item: item.account_id.account_type == "asset_receivable"
            ).reconcile()
    env.cr.commit()
