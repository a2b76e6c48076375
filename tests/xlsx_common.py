import base64
import io
from datetime import timedelta

from openpyxl import load_workbook

from .common import DebtRecoveryCommon

HEADER = 4  # the header row of every sheet (openpyxl counts from 1)
AS_OF = DebtRecoveryCommon.TODAY - timedelta(days=10)  # 2026-02-20


class XlsxExportCommon(DebtRecoveryCommon):
    """Two customers with receivables on both sides of the as-of date, and
    helpers that export the workbook and read its sheets back by header."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.second = cls.env["res.partner"].create(
            {"name": "Second Customer", "ref": "SC-2", "is_company": True}
        )
        cls.customer.ref = "BP-1"
        # Bad Payer, at AS_OF: 150 over 90 days, 1,000 at 31-60, 500 at 1-30,
        # 300 not due; an invoice of after AS_OF does not count.
        cls.inv_old = cls.invoice(200.0, AS_OF - timedelta(days=100))
        cls.inv_mid = cls.invoice(1000.0, AS_OF - timedelta(days=45))
        cls.inv_recent = cls.invoice(500.0, AS_OF - timedelta(days=10))
        cls.inv_future = cls.invoice(300.0, AS_OF + timedelta(days=5))
        cls.inv_later = cls._create_invoice_one_line(
            price_unit=700.0,
            tax_ids=[],
            partner_id=cls.customer.id,
            invoice_date=AS_OF + timedelta(days=2),
            invoice_date_due=AS_OF + timedelta(days=30),
            post=True,
        )
        # Second Customer: 400 at 61-90 paid after AS_OF, and an open credit
        # note of 100 (an unallocated credit).
        cls.inv_second = cls.invoice(
            400.0, AS_OF - timedelta(days=70), partner=cls.second
        )
        cls.refund_second = cls.invoice(
            100.0,
            AS_OF - timedelta(days=20),
            partner=cls.second,
            move_type="out_refund",
        )

    def setUp(self):
        super().setUp()
        self.pay(self.inv_old, 50.0, payment_date=AS_OF - timedelta(days=5))
        self.pay(self.inv_mid, payment_date=self.TODAY - timedelta(days=3))
        self.pay(self.inv_second, payment_date=self.TODAY)

    # ------------------------------------------------------------------
    # helpers
    # ------------------------------------------------------------------
    def export(self, env=None, **values):
        wizard = (env or self.env)["debt.recovery.xlsx.export"].create(
            {"date_to": AS_OF, "date_from": AS_OF - timedelta(days=30), **values}
        )
        action = wizard.action_export()
        book = load_workbook(io.BytesIO(base64.b64decode(wizard.file_data)))
        return wizard, action, book

    def table(self, sheet):
        """(header, data rows, rows below the data) of a sheet."""
        header = [cell.value for cell in sheet[HEADER]]
        rows, after, target = [], [], None
        for row in sheet.iter_rows(min_row=HEADER + 1):
            values = [cell.value for cell in row]
            if target is None and all(value is None for value in values):
                target = after
                continue
            (target if target is not None else rows).append(values)
        return header, rows, after

    def by_customer(self, sheet):
        header, rows, _after = self.table(sheet)
        return {row[0]: dict(zip(header, row, strict=True)) for row in rows}

    def ledger_balance(self, partners, as_of=AS_OF, company=None):
        """What Odoo holds on the receivable accounts for these customers."""
        groups = self.env["account.move.line"]._read_group(
            [
                ("partner_id", "in", partners.ids),
                ("company_id", "=", (company or self.company).id),
                ("account_id.account_type", "=", "asset_receivable"),
                ("parent_state", "=", "posted"),
                ("date", "<=", as_of),
            ],
            groupby=["partner_id"],
            aggregates=["balance:sum"],
        )
        return {partner: balance for partner, balance in groups}
