from datetime import timedelta

from odoo import Command, fields
from odoo.tests import new_test_user, tagged

from .common import DebtRecoveryCommon


@tagged("post_install", "-at_install")
class TestAnalysis(DebtRecoveryCommon):
    """The Analysis graph and pivot: open receivables by age
    bucket, level, status, collector and company. The SQL view ages items
    against the database's current date, so this data set is not frozen."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        today = fields.Date.context_today(cls.env["res.partner"])
        cls.today = today
        cls.second = cls.env["res.partner"].create(
            {"name": "Second Payer", "is_company": True}
        )

        def due(days):
            return today - timedelta(days=days)

        cls.invoice(1000.0, due(10))  # 1-30
        cls.invoice(200.0, due(45))  # 31-60
        cls.invoice(50.0, due(100))  # over 90
        cls.invoice(400.0, due(-10))  # not due
        cls.invoice(30.0, due(5), move_type="out_refund")  # unallocated credit
        cls.invoice(70.0, due(75), partner=cls.second)  # 61-90
        # an invoice of the contact counts for its commercial partner
        cls.invoice(5.0, due(1), partner=cls.contact)  # 1-30
        cls.collector = new_test_user(
            cls.env,
            login="analysis_collector",
            groups="account_debt_recovery.group_debt_recovery_user",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        followup = cls.env["debt.recovery.followup"]._for_partners(
            cls.customer, cls.company
        )
        followup._write_state(
            {"pending_level_id": cls.levels[2].id, "level_id": cls.levels[1].id}
        )
        followup._assign(cls.collector)
        cls.Analysis = cls.env["debt.recovery.analysis"]
        cls.partners = cls.customer | cls.second

    def sums(self, domain, groupby):
        groups = self.Analysis._read_group(
            [("partner_id", "in", self.partners.ids), *domain],
            groupby=[groupby],
            aggregates=["residual:sum"],
        )
        return dict(groups)

    def test_sums_per_age_bucket(self):
        self.assertEqual(
            self.sums([], "age_bucket"),
            {
                "0_not_due": 400.0,
                "1_1_30": 1005.0,
                "2_31_60": 200.0,
                "3_61_90": 70.0,
                "4_90_plus": 50.0,
                "5_credit": -30.0,
            },
        )
        overdue = self.sums([("is_overdue", "=", True)], "partner_id")
        self.assertEqual(overdue, {self.customer: 1255.0, self.second: 70.0})

    def test_follow_up_state_comes_from_the_follow_up_of_each_company(self):
        # the second customer is overdue as soon as its invoice is posted
        self.assertEqual(
            self.sums([("is_overdue", "=", True)], "status"),
            {"to_review": 1255.0, "overdue": 70.0},
        )
        by_level = self.sums([("is_overdue", "=", True)], "level_id")
        self.assertEqual(by_level[self.levels[1]], 1255.0)
        rows = self.Analysis.search([("partner_id", "=", self.customer.id)])
        self.assertEqual(rows.collector_id, self.collector)
        self.assertEqual(set(rows.company_id), {self.company})
        oldest = rows.filtered(lambda row: row.age_bucket == "4_90_plus")
        self.assertEqual(oldest.days_overdue, 100)
        self.assertEqual(oldest.move_id.amount_total, 50.0)

    def test_multi_company(self):
        other = self.setup_other_company(name="Company A2")
        self.invoice(900.0, self.today - timedelta(days=20), company_data=other)
        rows = self.Analysis.search([("partner_id", "=", self.customer.id)])
        in_other = rows.filtered(lambda row: row.company_id == other["company"])
        self.assertEqual(in_other.residual, 900.0)
        self.assertEqual(in_other.status, "overdue", "state is per company")
        self.assertFalse(in_other.level_id)
        seen = self.Analysis.with_user(self.collector).search(
            [("partner_id", "=", self.customer.id)]
        )
        self.assertEqual(set(seen.company_id), {self.company})
        self.assertEqual(len(seen), len(rows) - 1)

    def test_views_load(self):
        action = self.env.ref("account_debt_recovery.debt_recovery_analysis_action")
        self.assertTrue(action.view_mode.startswith("graph"))
        views = self.Analysis.with_user(self.collector).get_views(
            [(False, "graph"), (False, "pivot"), (False, "list"), (False, "search")]
        )["views"]
        self.assertIn('name="age_bucket"', views["graph"]["arch"])
