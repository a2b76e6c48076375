from odoo.tests import TransactionCase, tagged
from odoo.tools import SQL

from ..models import debt_recovery_aging as aging


@tagged("post_install", "-at_install")
class TestAging(TransactionCase):
    """One aging for the Analysis, the customer statement and the export:
    the same buckets in Python and in SQL, the same translated labels."""

    CASES = [
        # (days overdue, open amount, bucket)
        (None, 100.0, "0_not_due"),
        (-10, 100.0, "0_not_due"),
        (0, 100.0, "0_not_due"),
        (1, 100.0, "1_1_30"),
        (30, 100.0, "1_1_30"),
        (31, 100.0, "2_31_60"),
        (60, 100.0, "2_31_60"),
        (61, 100.0, "3_61_90"),
        (90, 100.0, "3_61_90"),
        (91, 100.0, "4_90_plus"),
        (400, 100.0, "4_90_plus"),
        # a credit is unallocated whatever its date
        (45, -100.0, "5_credit"),
        (-5, -100.0, "5_credit"),
        (None, -100.0, "5_credit"),
    ]

    def test_python_and_sql_agree_at_every_boundary(self):
        for days, amount, expected in self.CASES:
            with self.subTest(days=days, amount=amount):
                self.assertEqual(aging.bucket(days, amount), expected)
                [(in_sql,)] = self.env.execute_query(
                    SQL(
                        "SELECT %s",
                        aging.bucket_sql(
                            SQL("%s::int", days), SQL("%s::numeric", amount)
                        ),
                    )
                )
                self.assertEqual(in_sql, expected)

    def test_one_set_of_translated_labels(self):
        Analysis = self.env["debt.recovery.analysis"]
        labels = aging.selection(self.env)
        self.assertEqual(
            [label for _key, label in labels],
            [
                "Not Due",
                "1-30 Days",
                "31-60 Days",
                "61-90 Days",
                "Over 90 Days",
                "Unallocated Credits",
            ],
        )
        self.assertEqual(
            Analysis._fields["age_bucket"]._description_selection(self.env), labels
        )
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(
            ["account_debt_recovery"], ["fr_FR"], overwrite=True
        )
        french = self.env(context=dict(self.env.context, lang="fr_FR"))
        self.assertEqual(
            dict(aging.selection(french))["1_1_30"], "1 à 30 jours", "translated"
        )
        self.assertEqual(
            Analysis.with_env(french)
            ._fields["age_bucket"]
            ._description_selection(french),
            aging.selection(french),
        )
