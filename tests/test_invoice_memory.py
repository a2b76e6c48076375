from freezegun import freeze_time

from odoo.tests import tagged

from .common import DebtRecoveryCommon

TODAY = DebtRecoveryCommon.TODAY


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestInvoiceMemory(DebtRecoveryCommon):
    """Rule 8 and rule 9 read from the log: the invoice's level reached, its
    courtesy reminder and its dispute are searched, grouped and sorted as
    a collector's invoice list does."""

    def setUp(self):
        super().setUp()
        self.set_levels_auto()
        self.chased = self.invoice(300.0, self.days_ago(10))
        other = self.env["res.partner"].create(
            {"name": "Good Payer", "email": "good@example.com", "is_company": True}
        )
        self.quiet = self.invoice(200.0, self.days_ago(-20), partner=other)
        self.moves = self.chased | self.quiet
        self.env["debt.recovery.run"]._evaluate(self.followup(), TODAY)
        self.env.invalidate_all()
        self.level = self.chased.debt_level_id
        self.assertTrue(self.level)
        self.assertEqual(self.chased.debt_level_date, TODAY)
        self.assertFalse(self.quiet.debt_level_id)

    def found(self, *condition):
        return self.env["account.move"].search(
            [("id", "in", self.moves.ids), condition]
        )

    def test_searched_by_level(self):
        level = self.level
        cases = [
            (("debt_level_id", "=", level.id), self.chased),
            (("debt_level_id", "=", False), self.quiet),
            (("debt_level_id", "!=", False), self.chased),
            (("debt_level_id", "in", [level.id, False]), self.moves),
            (("debt_level_id", "not in", [level.id]), self.quiet),
            (("debt_level_id", "not in", [level.id, False]), self.env["account.move"]),
            (("debt_level_id.name", "=", level.name), self.chased),
            (("debt_level_id.days_overdue", ">", 1000), self.env["account.move"]),
        ]
        for condition, expected in cases:
            with self.subTest(condition=condition):
                self.assertEqual(self.found(*condition), expected)

    def test_grouped_and_sorted_by_level(self):
        groups = dict(
            self.env["account.move"]._read_group(
                [("id", "in", self.moves.ids)], ["debt_level_id"], ["__count"]
            )
        )
        self.assertEqual(groups, {self.level: 1, self.level.browse(): 1})
        ordered = self.env["account.move"].search(
            [("id", "in", self.moves.ids)], order="debt_level_id"
        )
        self.assertEqual(set(ordered), set(self.moves))

    def test_courtesy_and_dispute_searched(self):
        self.assertEqual(self.found("debt_courtesy_date", "=", False), self.moves)
        self.assertFalse(self.found("debt_courtesy_date", "!=", False))
        self.assertFalse(self.found("debt_disputed", "=", True))
        self.dispute(self.chased)
        self.assertEqual(self.found("debt_disputed", "=", True), self.chased)
        self.assertEqual(self.found("debt_disputed", "=", False), self.quiet)
        self.assertTrue(self.chased.debt_disputed)
