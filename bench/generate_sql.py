"""The SQL writer of bench/generate.py: the posted ledger of the plan written
with batched inserts, as Odoo's posting and reconciliation leave it.

What is written, per planned invoice (one income line, no tax, no payment
term; posted in batches of 1000 as the ORM writer does):

* account_move, numbered as posting each batch numbers it (sorted by date
  then id; one sequence per journal, year, and for credit notes and
  payments their own prefix, as Odoo's sequence mixin does), with its
  stored amounts, residual and payment state;
* account_move_line: the income line (product) and the receivable line
  (payment_term, with its due date), balance, amount_currency, residuals,
  reconciled, matching_number, parent_state;
* a paid invoice: an account_payment of its residual dated today, its entry
  in the bank journal (outstanding receipts debited, open; receivable
  credited), the partial and the full reconcile of the two receivable
  lines, and the invoice-payment link;
* a credit note: its move and lines; a matched one, the partial with its
  invoice (the credit note paid, the invoice partially paid);
* no_followup on the receivable line of the flagged invoices.

The customers are created through the ORM (res.partner; their
customer_rank then set as posting would have raised it). What belongs to the
addon is then computed by the addon itself: its stored fields on the
invoices, the follow-ups (``_for_partners`` / ``_refresh_customers``), and
the disputes are logged as interactions (bench/generate_plan.py).
bench/check_generator.py checks the result against the ORM writer's.
"""

import time

from generate_plan import BATCH
from generate_sql_ledger import Ledger
from generate_sql_rows import Rows

from odoo.tools import SQL

CHUNK = 20000  # invoices written per round of inserts


def write(env, plan, started):
    """Record ``plan``; return ``{invoice index: move id}``."""
    ledger = Ledger(env, plan)
    cr = env.cr
    cr.execute(SQL("SELECT 1 FROM account_move LIMIT 1"))
    if cr.fetchone():
        raise SystemExit("generate.py --via sql writes into a database without moves")
    partner_ids = (
        env["res.partner"]
        .create(
            [
                {
                    "name": plan.partner_name(index),
                    "is_company": True,
                    "email": plan.partner_email(index),
                }
                for index in range(plan.partners)
            ]
        )
        .ids
    )
    env.cr.commit()
    print(f"{len(partner_ids)} customers in {time.monotonic() - started:.0f}s")
    names = {pid: plan.partner_name(i) for i, pid in enumerate(partner_ids)}
    rows = Rows(ledger, partner_ids, names)
    for start in range(0, len(plan.invoices), CHUNK):
        rows.invoices(plan.invoices[start : start + CHUNK])
        rows.flush(cr)
        cr.commit()
        print(
            f"{min(start + CHUNK, len(plan.invoices))} invoices in "
            f"{time.monotonic() - started:.0f}s",
            flush=True,
        )
    for start in range(0, len(plan.paid), CHUNK):
        rows.payments(plan.paid[start : start + CHUNK])
        rows.flush(cr)
    rows.credit_notes(plan.credited)
    rows.flush(cr)
    rows.update_ranks(cr)
    cr.commit()
    print(
        f"{len(plan.paid)} payments, {len(plan.credited)} credit notes in "
        f"{time.monotonic() - started:.0f}s",
        flush=True,
    )
    addon_fields(env, list(rows.moves.values()) + rows.other_moves)
    followups(env, plan, partner_ids)
    print(f"follow-ups in {time.monotonic() - started:.0f}s", flush=True)
    return rows.moves


def addon_fields(env, move_ids):
    """The addon's stored fields on the new moves, computed by the addon."""
    Move = env["account.move"]
    names = [
        name
        for name, field in Move._fields.items()
        if name.startswith("debt_") and field.store and field.compute
    ]
    for start in range(0, len(move_ids), CHUNK):
        moves = Move.browse(move_ids[start : start + CHUNK])
        for name in names:
            env.add_to_compute(Move._fields[name], moves)
        env.flush_all()
        env.cr.commit()
        env.invalidate_all()


def followups(env, plan, partner_ids):
    """The follow-ups, as posting and reconciling leave them: one for every
    customer who had something overdue when its invoices were posted, then
    the figures of the ledger as it is now (the addon's own methods)."""
    Followup = env["debt.recovery.followup"]
    Partner = env["res.partner"]
    overdue = {
        partner_ids[inv.partner] for inv in plan.invoices if inv.due < plan.today
    }
    for start in range(0, len(partner_ids), BATCH):
        chunk = partner_ids[start : start + BATCH]
        Followup._for_partners(Partner.browse([p for p in chunk if p in overdue]))
        Followup._refresh_customers(Partner.browse(chunk), env.company)
        env.cr.commit()
        env.invalidate_all()
