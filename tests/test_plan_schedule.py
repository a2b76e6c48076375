from datetime import date, timedelta

from freezegun import freeze_time
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .plan_common import PlanCommon

PROPERTY_SETTINGS = settings(
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)


@tagged("post_install", "-at_install")
class TestPlanSchedule(PlanCommon):
    """The schedule arithmetic of a payment plan: amounts rounded
    to the currency, the last instalment takes the remainder, due dates by
    frequency, and the wizard's validation messages."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.usd = cls.company.currency_id
        cls.jpy = cls.setup_other_currency("JPY")
        cls.kwd = cls.setup_other_currency("KWD")

    def split(self, total, currency=None, **kwargs):
        return self.Instalment._split_amounts(total, currency or self.usd, **kwargs)

    # ------------------------------------------------------------------
    # Rounding and remainder
    # ------------------------------------------------------------------
    def test_equal_instalments_last_takes_the_remainder(self):
        self.assertEqual(self.split(1000.0, count=4), [250.0] * 4)
        self.assertEqual(self.split(1000.0, count=3), [333.33, 333.33, 333.34])
        self.assertEqual(self.split(200.0, count=3), [66.66, 66.66, 66.68])
        self.assertEqual(self.split(0.05, count=5), [0.01] * 5)
        self.assertEqual(self.split(99.99, count=1), [99.99])

    def test_currency_without_decimals(self):
        self.assertEqual(self.jpy.decimal_places, 0)
        self.assertEqual(
            self.split(10000.0, self.jpy, count=3), [3333.0, 3333.0, 3334.0]
        )
        self.assertEqual(self.split(7.0, self.jpy, count=7), [1.0] * 7)
        self.assertEqual(
            self.split(10000.0, self.jpy, amount=3000.0), [3000.0] * 3 + [1000.0]
        )

    def test_currency_with_three_decimals(self):
        self.assertEqual(self.kwd.decimal_places, 3)
        self.assertEqual(self.split(100.0, self.kwd, count=3), [33.333, 33.333, 33.334])
        self.assertEqual(self.split(1.0, self.kwd, count=7), [0.142] * 6 + [0.148])
        self.assertEqual(self.split(10.5, self.kwd, amount=2.125), [2.125] * 4 + [2.0])

    def test_split_by_instalment_amount(self):
        self.assertEqual(self.split(1000.0, amount=300.0), [300.0, 300.0, 300.0, 100.0])
        self.assertEqual(self.split(900.0, amount=300.0), [300.0] * 3)
        self.assertEqual(self.split(100.0, amount=250.0), [100.0])
        # the amount is rounded to the currency first
        self.assertEqual(self.split(1.0, amount=0.333), [0.33, 0.33, 0.33, 0.01])

    @PROPERTY_SETTINGS
    @given(
        units=st.integers(min_value=1, max_value=10**9),
        count=st.integers(min_value=1, max_value=120),
        currency_name=st.sampled_from(["usd", "jpy", "kwd"]),
    )
    def test_property_count_split_adds_up_and_is_even(
        self, units, count, currency_name
    ):
        currency = getattr(self, currency_name)
        total = currency.round(units * currency.rounding)
        if units < count:
            with self.assertRaises(UserError):
                self.split(total, currency, count=count)
            return
        amounts = self.split(total, currency, count=count)
        self.assertEqual(len(amounts), count)
        in_units = [round(amount / currency.rounding) for amount in amounts]
        self.assertEqual(sum(in_units), units, "the instalments add up to the total")
        self.assertEqual(currency.compare_amounts(sum(amounts), total), 0)
        for amount, unit_count in zip(amounts, in_units):
            self.assertEqual(currency.round(amount), amount, "rounded to the currency")
            self.assertGreater(unit_count, 0, "every instalment is positive")
        self.assertEqual(
            len(set(in_units[:-1])), min(count - 1, 1), "equal instalments"
        )
        self.assertGreaterEqual(
            in_units[-1], in_units[0], "the last takes the remainder"
        )
        self.assertLess(in_units[-1] - in_units[0], count, "the remainder stays small")

    @PROPERTY_SETTINGS
    @given(
        units=st.integers(min_value=1, max_value=10**9),
        amount_units=st.integers(min_value=1, max_value=10**9),
        currency_name=st.sampled_from(["usd", "jpy", "kwd"]),
    )
    def test_property_amount_split_adds_up(self, units, amount_units, currency_name):
        currency = getattr(self, currency_name)
        total = currency.round(units * currency.rounding)
        amount = currency.round(amount_units * currency.rounding)
        expected_count = -(-units // amount_units)
        if expected_count > 120:
            with self.assertRaises(UserError):
                self.split(total, currency, amount=amount)
            return
        amounts = self.split(total, currency, amount=amount)
        self.assertEqual(len(amounts), expected_count)
        in_units = [round(part / currency.rounding) for part in amounts]
        self.assertEqual(sum(in_units), units)
        self.assertTrue(all(part == amount_units for part in in_units[:-1]))
        self.assertTrue(0 < in_units[-1] <= amount_units, "the last is the remainder")

    # ------------------------------------------------------------------
    # Dates
    # ------------------------------------------------------------------
    def test_due_dates_by_frequency(self):
        dates = self.Instalment._schedule_dates
        start = date(2026, 1, 31)
        self.assertEqual(
            dates(start, "monthly", 4),
            [
                date(2026, 1, 31),
                date(2026, 2, 28),
                date(2026, 3, 31),
                date(2026, 4, 30),
            ],
        )
        self.assertEqual(
            dates(start, "weekly", 3), [start, date(2026, 2, 7), date(2026, 2, 14)]
        )
        self.assertEqual(
            dates(start, "fortnightly", 3),
            [start, date(2026, 2, 14), date(2026, 2, 28)],
        )

    def test_schedule_values(self):
        schedule = self.Instalment._schedule(
            100.0, self.usd, date(2026, 3, 10), "fortnightly", count=3
        )
        self.assertEqual(
            schedule,
            [
                {"sequence": 1, "due_date": date(2026, 3, 10), "amount": 33.33},
                {"sequence": 2, "due_date": date(2026, 3, 24), "amount": 33.33},
                {"sequence": 3, "due_date": date(2026, 4, 7), "amount": 33.34},
            ],
        )

    # ------------------------------------------------------------------
    # The wizard
    # ------------------------------------------------------------------
    @freeze_time(PlanCommon.TODAY)
    def test_wizard_previews_and_creates_a_draft_in_the_invoice_currency(self):
        invoice = self.invoice(10000.0, self.days_ago(20), currency_id=self.jpy.id)
        wizard = self.propose(
            instalment_count=3,
            date_start=self.TODAY + timedelta(days=7),
            frequency="weekly",
        )
        self.assertEqual(wizard.invoice_ids, invoice)
        self.assertEqual(wizard.currency_id, self.jpy)
        self.assertEqual(wizard.amount_total, 10000.0)
        self.assertFalse(wizard.preview_error)
        self.assertIn("3,334", wizard.preview_html)
        plan = self.Plan.browse(wizard.action_create_plan()["res_id"])
        self.assertEqual(plan.state, "draft")
        self.assertEqual(plan.currency_id, self.jpy)
        self.assertEqual(plan.amount_total, 10000.0)
        self.assertEqual(self.amounts(plan), [3333.0, 3333.0, 3334.0])
        self.assertEqual(
            plan.instalment_ids.mapped("due_date"),
            [self.TODAY + timedelta(days=days) for days in (7, 14, 21)],
        )

    @freeze_time(PlanCommon.TODAY)
    def test_wizard_form_from_the_customer(self):
        self.invoice(600.0, self.days_ago(20))
        with Form(
            self.Wizard.with_context(
                active_model="res.partner", active_ids=self.customer.ids
            )
        ) as wizard:
            self.assertEqual(wizard.amount_total, 600.0)
            wizard.split_by = "amount"
            wizard.instalment_amount = 250.0
            self.assertIn("100.00", wizard.preview_html)
            wizard.instalment_amount = 0.0
            self.assertEqual(
                wizard.preview_error, "The instalment amount must be positive."
            )
            wizard.instalment_amount = 200.0
        plan = self.Plan.browse(wizard.record.action_create_plan()["res_id"])
        self.assertEqual(self.amounts(plan), [200.0, 200.0, 200.0])

    @freeze_time(PlanCommon.TODAY)
    def test_wizard_validation_messages(self):
        invoice = self.invoice(100.0, self.days_ago(20))
        cases = [
            ({"invoice_ids": [(5,)]}, "Choose the invoices the payment plan covers."),
            ({"instalment_count": 0}, "A payment plan needs at least one instalment."),
            (
                {"split_by": "amount", "instalment_amount": -5.0},
                "The instalment amount must be positive.",
            ),
            (
                {"instalment_count": 121},
                "A payment plan cannot have more than 120 instalments",
            ),
            (
                {"split_by": "amount", "instalment_amount": 0.5},
                "cannot have more than 120 instalments (this one would have 200)",
            ),
            (
                {"date_start": self.TODAY - timedelta(days=1)},
                "The first instalment cannot fall due in the past.",
            ),
        ]
        for values, message in cases:
            with self.subTest(message=message):
                wizard = self.propose(invoice, **values)
                self.assertIn(message, wizard.preview_error)
                with self.assertRaisesRegex(
                    UserError, message.replace("(", r"\(").replace(")", r"\)")
                ):
                    wizard.action_create_plan()
        self.assertFalse(self.Plan.search([("partner_id", "=", self.customer.id)]))

    @freeze_time(PlanCommon.TODAY)
    def test_wizard_too_small_and_several_currencies(self):
        cent = self.invoice(0.03, self.days_ago(20))
        wizard = self.propose(cent, instalment_count=4)
        with self.assertRaisesRegex(UserError, "cannot be split into 4 instalments"):
            wizard.action_create_plan()
        other = self.invoice(500.0, self.days_ago(20), currency_id=self.kwd.id)
        wizard = self.propose(cent | other, instalment_count=2)
        with self.assertRaisesRegex(UserError, "must be in one currency"):
            wizard.action_create_plan()
