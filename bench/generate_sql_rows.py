"""The rows of the SQL writer (bench/generate_sql.py): one method per kind
of document, each giving the columns Odoo's posting and reconciliation store
for it (the accounts, journals, sequences and ids come from its Ledger,
bench/generate_sql_ledger.py). Every id is reserved up front, so that an
invoice's rows already carry their final state (residual, reconciliation)
when they are inserted.
"""

from collections import defaultdict

from generate_plan import BATCH
from psycopg2.extras import execute_values

from odoo.tools import SQL

# Tables in the order their foreign keys allow (account_move.origin_payment_id
# is set once the payments exist).
TABLES = (
    "account_full_reconcile",
    "account_move",
    "account_payment",
    "account_move_line",
    "account_partial_reconcile",
    "account_move__account_payment",
)


class Rows:
    """The rows of the plan's documents, queued per table until ``flush``."""

    def __init__(self, ledger, partner_ids, partner_names):
        self.ledger, self.plan = ledger, ledger.plan
        self.partner_ids, self.partner_names = partner_ids, partner_names
        self.receivable = ledger.receivable(partner_ids[0])
        self.queued = defaultdict(list)
        self.ranks = defaultdict(int)  # partner -> posted documents
        plan = self.plan
        matched = [inv for inv in plan.credited if inv.credit_matched]
        count = len(plan.invoices) + len(plan.paid) + len(plan.credited)
        move_ids = ledger.reserve("account_move", count)
        line_ids = ledger.reserve("account_move_line", 2 * count)
        payment_ids = ledger.reserve("account_payment", len(plan.paid))
        full_ids = ledger.reserve("account_full_reconcile", len(plan.paid))
        partial_ids = ledger.reserve(
            "account_partial_reconcile", len(plan.paid) + len(matched)
        )

        def ids():
            return {"move": next(move_ids), "lines": (next(line_ids), next(line_ids))}

        self.invoice_ids = {inv.index: ids() for inv in plan.invoices}
        self.payment_ids = {}
        for inv in plan.paid:
            self.payment_ids[inv.index] = dict(
                ids(),
                payment=next(payment_ids),
                full=next(full_ids),
                partial=next(partial_ids),
            )
        self.credit_ids = {}
        for inv in plan.credited:
            self.credit_ids[inv.index] = ids()
        for inv in matched:
            self.credit_ids[inv.index]["partial"] = next(partial_ids)
        self.names = {}
        for start in range(0, len(plan.invoices), BATCH):
            batch = plan.invoices[start : start + BATCH]
            self.names.update(
                ledger.number(
                    [(inv.invoice_date, "", inv.index) for inv in batch],
                    ledger.sale,
                    "out_invoice",
                )
            )
        # payments: one batch per wizard call, ref = memo = the invoice's name
        self.payment_names = {}
        for start in range(0, len(plan.paid), BATCH):
            batch = plan.paid[start : start + BATCH]
            self.payment_names.update(
                ledger.number(
                    [
                        (plan.today, self.names[inv.index][0], inv.index)
                        for inv in batch
                    ],
                    ledger.bank,
                    "entry",
                )
            )
        self.credit_names = ledger.number(
            [
                (inv.invoice_date, "", self.credit_ids[inv.index]["move"])
                for inv in plan.credited
            ],
            ledger.sale,
            "out_refund",
        )

    @property
    def moves(self):
        return {index: ids["move"] for index, ids in self.invoice_ids.items()}

    @property
    def other_moves(self):
        return [ids["move"] for ids in self.payment_ids.values()] + [
            ids["move"] for ids in self.credit_ids.values()
        ]

    # ------------------------------------------------------------------
    def move(self, move_id, partner, name_info, values):
        name, prefix, number = name_info
        self.ranks[partner] += 1
        self.queued["account_move"].append(
            {
                "id": move_id,
                "name": name,
                "sequence_prefix": prefix,
                "sequence_number": number,
                "company_id": self.ledger.company.id,
                "partner_id": partner,
                "commercial_partner_id": partner,
                "currency_id": self.ledger.currency,
                "state": "posted",
                "auto_post": "no",
                "invoice_partner_display_name": self.partner_names[partner],
                "ref": None,
                "amount_tax": 0.0,
                "amount_tax_signed": 0.0,
                "checked": True,
                "posted_before": True,
                "made_sequence_gap": False,
                **values,
                **self.ledger.audit(),
            }
        )

    def line(self, line_id, move_id, partner, name_info, values):
        self.queued["account_move_line"].append(
            {
                "id": line_id,
                "move_id": move_id,
                "company_id": self.ledger.company.id,
                "company_currency_id": self.ledger.currency,
                "currency_id": self.ledger.currency,
                "partner_id": partner,
                "move_name": name_info[0],
                "parent_state": "posted",
                "discount": 0.0,
                "is_storno": False,
                "no_followup": False,
                "deductible_amount": 100,
                "amount_currency": values["balance"],
                "debit": max(values["balance"], 0.0),
                "credit": max(-values["balance"], 0.0),
                **values,
                **self.ledger.audit(),
            }
        )

    def invoice_move(self, move_id, partner, name_info, values, lines):
        """An invoice or credit note: its income line and receivable line."""
        ledger = self.ledger
        line_name, receivable = values.pop("line_name"), values.pop("receivable")
        self.move(
            move_id,
            partner,
            name_info,
            dict(
                journal_id=ledger.sale.id,
                partner_shipping_id=partner,
                invoice_user_id=ledger.uid,
                invoice_currency_rate=1.0,
                always_tax_exigible=False,
                **values,
            ),
        )
        income_id, receivable_id = lines
        sign = -1 if values["move_type"] == "out_invoice" else 1
        total = values["amount_total"]
        common = {
            "journal_id": ledger.sale.id,
            "date": values["date"],
            "invoice_date": values["invoice_date"],
            "ref": None,
            "payment_id": None,
        }
        self.line(
            income_id,
            move_id,
            partner,
            name_info,
            dict(
                common,
                sequence=100,
                account_id=ledger.income,
                display_type="product",
                name=line_name,
                balance=sign * total,
                amount_residual=0.0,
                amount_residual_currency=0.0,
                reconciled=False,
                full_reconcile_id=None,
                matching_number=None,
                date_maturity=None,
                quantity=1.0,
                price_unit=total,
                price_subtotal=total,
                price_total=total,
                discount_amount_currency=None,
                discount_balance=None,
            ),
        )
        self.line(
            receivable_id,
            move_id,
            partner,
            name_info,
            dict(
                common,
                sequence=12000,
                account_id=self.receivable,
                display_type="payment_term",
                name=values["payment_reference"],
                balance=-sign * total,
                date_maturity=values["invoice_date_due"],
                quantity=0.0,
                price_unit=0.0,
                price_subtotal=0.0,
                price_total=0.0,
                discount_amount_currency=0.0,
                discount_balance=0.0,
                **receivable,
            ),
        )

    def invoices(self, invoices):
        ledger = self.ledger
        for inv in invoices:
            ids = self.invoice_ids[inv.index]
            partner = self.partner_ids[inv.partner]
            name_info = self.names[inv.index]
            credit = inv.credit if inv.credit_matched else 0.0
            residual = 0.0 if inv.paid else round(inv.amount - credit, 2)
            if inv.paid:
                full = self.payment_ids[inv.index]["full"]
                matching, state = str(full), ledger.paid_state
                self.queued["account_full_reconcile"].append(
                    {"id": full, **ledger.audit()}
                )
            elif inv.credit_matched:
                full, state = None, "partial"
                matching = "P%d" % self.credit_ids[inv.index]["partial"]
            else:
                full, matching, state = None, None, "not_paid"
            amount = float(inv.amount)
            self.invoice_move(
                ids["move"],
                partner,
                name_info,
                {
                    "move_type": "out_invoice",
                    "payment_reference": name_info[0],
                    "payment_state": state,
                    "date": inv.invoice_date,
                    "invoice_date": inv.invoice_date,
                    "invoice_date_due": inv.due,
                    "origin_payment_id": None,
                    "is_manually_modified": inv.paid
                    or inv.credit_matched
                    or inv.no_followup,
                    **amounts(amount, residual, 1),
                    "line_name": "Services",
                    "receivable": {
                        "amount_residual": residual,
                        "amount_residual_currency": residual,
                        "reconciled": inv.paid,
                        "full_reconcile_id": full,
                        "matching_number": matching,
                        "no_followup": inv.no_followup,
                    },
                },
                ids["lines"],
            )

    def credit_notes(self, invoices):
        """The credit notes; a matched one is reconciled with its invoice."""
        for inv in invoices:
            ids = self.credit_ids[inv.index]
            partner = self.partner_ids[inv.partner]
            partial = ids.get("partial")
            residual = 0.0 if partial else inv.credit
            self.invoice_move(
                ids["move"],
                partner,
                self.credit_names[ids["move"]],
                {
                    "move_type": "out_refund",
                    "payment_reference": None,
                    "payment_state": "paid" if partial else "not_paid",
                    "date": inv.invoice_date,
                    "invoice_date": inv.invoice_date,
                    # no payment term: due on the day it was posted
                    "invoice_date_due": self.plan.today,
                    "origin_payment_id": None,
                    "is_manually_modified": bool(partial),
                    **amounts(inv.credit, residual, -1),
                    "line_name": "Partial credit",
                    "receivable": {
                        "amount_residual": -residual,
                        "amount_residual_currency": -residual,
                        "reconciled": bool(partial),
                        "full_reconcile_id": None,
                        "matching_number": "P%d" % partial if partial else None,
                    },
                },
                ids["lines"],
            )
            if partial:
                self.partial(
                    partial,
                    self.invoice_ids[inv.index]["lines"][1],
                    ids["lines"][1],
                    inv.credit,
                    inv.invoice_date,
                    None,
                )

    def payments(self, invoices):
        """A payment of each invoice's total, dated today, with its entry in
        the bank journal, reconciled in full with the invoice."""
        ledger, today = self.ledger, self.plan.today
        for inv in invoices:
            ids = self.payment_ids[inv.index]
            partner = self.partner_ids[inv.partner]
            name_info = self.payment_names[inv.index]
            memo, amount = self.names[inv.index][0], float(inv.amount)
            self.move(
                ids["move"],
                partner,
                name_info,
                {
                    "journal_id": ledger.bank.id,
                    "move_type": "entry",
                    "ref": memo,
                    "payment_reference": None,
                    "payment_state": "not_paid",
                    "date": today,
                    "invoice_date": None,
                    "invoice_date_due": today,
                    "partner_shipping_id": None,
                    "invoice_user_id": None,
                    "origin_payment_id": None,  # set once the payment exists
                    "invoice_currency_rate": 0.0,
                    "always_tax_exigible": True,
                    "is_manually_modified": False,
                    "amount_untaxed": 0.0,
                    "amount_untaxed_signed": 0.0,
                    "amount_untaxed_in_currency_signed": 0.0,
                    "amount_total": amount,
                    "amount_total_signed": amount,
                    "amount_total_in_currency_signed": amount,
                    "amount_residual": 0.0,
                    "amount_residual_signed": 0.0,
                },
            )
            self.queued["account_payment"].append(
                {
                    "id": ids["payment"],
                    "move_id": ids["move"],
                    "journal_id": ledger.bank.id,
                    "company_id": ledger.company.id,
                    "payment_method_line_id": ledger.method_line.id,
                    "payment_method_id": ledger.method_line.payment_method_id.id,
                    "currency_id": ledger.currency,
                    "partner_id": partner,
                    "outstanding_account_id": ledger.outstanding,
                    "destination_account_id": self.receivable,
                    "name": name_info[0],
                    "state": "paid",
                    "payment_type": "inbound",
                    "partner_type": "customer",
                    "memo": memo,
                    "date": today,
                    "amount": amount,
                    "amount_company_currency_signed": amount,
                    "is_reconciled": True,
                    "is_matched": False,
                    **ledger.audit(),
                }
            )
            liquidity_id, counterpart_id = ids["lines"]
            common = {
                "journal_id": ledger.bank.id,
                "sequence": 100,
                "display_type": "product",
                "date": today,
                "invoice_date": None,
                "date_maturity": today,
                "ref": memo,
                "name": f"{ledger.method_line.name}: {memo}",
                "payment_id": ids["payment"],
                "quantity": 1.0,
                "price_unit": 0.0,
                "discount_amount_currency": None,
                "discount_balance": None,
            }
            self.line(
                liquidity_id,
                ids["move"],
                partner,
                name_info,
                dict(
                    common,
                    account_id=ledger.outstanding,
                    balance=amount,
                    amount_residual=amount,
                    amount_residual_currency=amount,
                    reconciled=False,
                    full_reconcile_id=None,
                    matching_number=None,
                    price_subtotal=amount,
                    price_total=amount,
                ),
            )
            self.line(
                counterpart_id,
                ids["move"],
                partner,
                name_info,
                dict(
                    common,
                    account_id=self.receivable,
                    balance=-amount,
                    amount_residual=0.0,
                    amount_residual_currency=0.0,
                    reconciled=True,
                    full_reconcile_id=ids["full"],
                    matching_number=str(ids["full"]),
                    price_subtotal=-amount,
                    price_total=-amount,
                ),
            )
            self.partial(
                ids["partial"],
                self.invoice_ids[inv.index]["lines"][1],
                counterpart_id,
                amount,
                today,
                ids["full"],
            )
            self.queued["account_move__account_payment"].append(
                {
                    "invoice_id": self.invoice_ids[inv.index]["move"],
                    "payment_id": ids["payment"],
                }
            )

    def partial(self, partial_id, debit_line, credit_line, amount, day, full):
        currency = self.ledger.currency
        self.queued["account_partial_reconcile"].append(
            {
                "id": partial_id,
                "debit_move_id": debit_line,
                "credit_move_id": credit_line,
                "full_reconcile_id": full,
                "debit_currency_id": currency,
                "credit_currency_id": currency,
                "company_id": self.ledger.company.id,
                "max_date": day,
                "amount": amount,
                "debit_amount_currency": amount,
                "credit_amount_currency": amount,
                **self.ledger.audit(),
            }
        )

    # ------------------------------------------------------------------
    def flush(self, cr):
        """Insert the queued rows, table by table in foreign-key order."""
        for table in TABLES:
            rows = self.queued.pop(table, [])
            if rows:
                columns = list(rows[0])
                query = f'INSERT INTO "{table}" ({", ".join(columns)}) VALUES %s'
                values = [tuple(row[column] for column in columns) for row in rows]
                execute_values(cr._obj, query, values, page_size=5000)
            if table == "account_payment" and rows:
                cr.execute(
                    SQL(
                        "UPDATE account_move m SET origin_payment_id = p.id"
                        " FROM account_payment p"
                        " WHERE p.move_id = m.id AND p.id = ANY(%s)",
                        [row["id"] for row in rows],
                    )
                )

    def update_ranks(self, cr):
        """customer_rank: one per posted document of the customer, as
        posting raises it."""
        partners = sorted(self.ranks)
        cr.execute(
            SQL(
                "UPDATE res_partner p SET customer_rank = p.customer_rank + r.n"
                " FROM unnest(%s::int[], %s::int[]) AS r(id, n) WHERE p.id = r.id",
                partners,
                [self.ranks[p] for p in partners],
            )
        )


def amounts(total, residual, sign):
    """The stored amounts of an invoice (sign 1) or a credit note (-1)."""
    return {
        "amount_untaxed": total,
        "amount_total": total,
        "amount_residual": residual,
        "amount_untaxed_signed": sign * total,
        "amount_untaxed_in_currency_signed": sign * total,
        "amount_total_signed": sign * total,
        "amount_total_in_currency_signed": sign * total,
        "amount_residual_signed": sign * residual,
    }
