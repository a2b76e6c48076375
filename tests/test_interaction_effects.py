from datetime import timedelta

from freezegun import freeze_time

from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged

from .test_interaction_common import InteractionCommon

TODAY = InteractionCommon.TODAY


@tagged("post_install", "-at_install")
class TestInteractionEffects(InteractionCommon):
    """Logging a promise, a dispute, an agreed plan or a wrong contact has the
    effect it names, checked by the real daily run."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.policy.promise_grace_days = 3

    def run_on(self, day):
        with freeze_time(day):
            self.run_daily()
        return self.state()

    def levels_sent(self):
        return self.interactions(event="level")

    # ------------------------------------------------------------------
    # Promise to pay
    # ------------------------------------------------------------------
    def test_promise_holds_the_ladder_and_is_kept_when_paid(self):
        invoice = self.invoice(1000.0, self.days_ago(30))
        with freeze_time(TODAY):
            promise, _action = self.log(
                outcome="promise", promise_date=TODAY + timedelta(days=5)
            )
        self.assertEqual(promise.promise_state, "open")
        self.assertEqual(promise.amount_due, 1000.0)
        # the customer shows the promise at once, before any daily run
        self.assertEqual(self.state().debt_status, "promise")
        self.assertEqual(self.state().debt_next_action_date, promise.promise_date)
        self.assertEqual(self.run_on(TODAY).debt_status, "promise")
        # held until the promised date plus the grace days
        self.assertEqual(self.run_on(TODAY + timedelta(days=8)).debt_status, "promise")
        self.assertFalse(self.levels_sent())
        self.pay(invoice, payment_date=TODAY + timedelta(days=8))
        self.run_on(TODAY + timedelta(days=9))
        self.assertEqual(promise.promise_state, "kept")
        kept = self.interactions(event="promise_kept")
        self.assertEqual(len(kept), 1)
        self.assertTrue(kept.automated)
        self.assertFalse(self.levels_sent())
        self.assertEqual(self.state().debt_status, "up_to_date")

    def test_promise_paid_in_full_before_its_date_is_kept_at_once(self):
        invoice = self.invoice(1000.0, self.days_ago(30))
        with freeze_time(TODAY):
            promise, _action = self.log(
                outcome="promise", promise_date=TODAY + timedelta(days=10)
            )
            self.assertEqual(self.state().debt_status, "promise")
            self.pay(invoice, payment_date=TODAY)
        self.assertEqual(promise.promise_state, "kept", "at once, not at its date")
        self.assertTrue(self.interactions(event="promise_kept"))
        self.assertNotEqual(self.state().debt_status, "promise")

    def test_partial_promise_is_kept_when_the_balance_falls_by_the_amount(self):
        invoice = self.invoice(1000.0, self.days_ago(30))
        with freeze_time(TODAY):
            promise, _action = self.log(
                outcome="promise",
                promise_date=TODAY + timedelta(days=2),
                promise_amount=400.0,
            )
        self.run_on(TODAY)
        self.pay(invoice, amount=400.0, payment_date=TODAY + timedelta(days=2))
        self.run_on(TODAY + timedelta(days=6))
        self.assertEqual(promise.promise_state, "kept")
        self.assertTrue(self.interactions(event="promise_kept"))

    def test_broken_promise_is_logged_and_the_ladder_resumes(self):
        invoice = self.invoice(1000.0, self.days_ago(30))
        with freeze_time(TODAY):
            promise, _action = self.log(
                outcome="promise",
                promise_date=TODAY + timedelta(days=2),
                promise_amount=400.0,
                direction="inbound",  # the customer called in
            )
        self.run_on(TODAY)
        self.pay(invoice, amount=300.0, payment_date=TODAY + timedelta(days=2))
        partner = self.run_on(TODAY + timedelta(days=5))
        self.assertEqual(partner.debt_status, "promise", "still within the grace days")
        partner = self.run_on(TODAY + timedelta(days=6))
        self.assertEqual(promise.promise_state, "broken")
        self.assertTrue(self.interactions(event="promise_broken"))
        self.assertEqual(partner.debt_level_id, self.levels[0], "the ladder resumed")
        self.assertEqual(self.levels_sent().amount_due, 700.0)

    @freeze_time(TODAY)
    def test_new_promise_replaces_the_open_one(self):
        self.invoice(1000.0, self.days_ago(30))
        first, _action = self.log(
            outcome="promise", promise_date=TODAY + timedelta(days=2)
        )
        second, _action = self.log(
            outcome="promise", promise_date=TODAY + timedelta(days=10)
        )
        self.assertEqual(first.promise_state, "replaced")
        self.assertEqual(second.promise_state, "open")

    @freeze_time(TODAY)
    def test_promise_needs_a_date_that_is_not_past(self):
        self.invoice(1000.0, self.days_ago(30))
        with self.assertRaises(ValidationError):
            self.log(outcome="promise", promise_date=TODAY - timedelta(days=1))
        with self.assertRaises(ValidationError):
            self.log(outcome="promise")
        self.assertFalse(self.interactions())

    # ------------------------------------------------------------------
    # Dispute
    # ------------------------------------------------------------------
    def test_dispute_takes_invoices_off_the_ladder_until_resolved(self):
        self.no_spacing()
        disputed = self.invoice(1000.0, self.days_ago(30))
        other = self.invoice(200.0, self.days_ago(10))
        action = disputed.with_user(self.collector).action_debt_dispute()
        wizard_model = self.env[action["res_model"]].with_user(self.collector)
        with (
            freeze_time(TODAY),
            Form(wizard_model.with_context(**action["context"])) as form,
        ):
            self.assertEqual(form.outcome, "dispute")
            self.assertEqual(form.invoice_ids.ids, disputed.ids)
            form.channel = "email"
            form.dispute_reason = "Half of the goods arrived broken"
        with freeze_time(TODAY):
            form.record.action_log()
        dispute = self.interactions(outcome="dispute")
        self.assertEqual(dispute.dispute_state, "open")
        self.assertTrue(disputed.debt_disputed)
        self.assertEqual(
            disputed.debt_dispute_reason, "Half of the goods arrived broken"
        )

        partner = self.run_on(TODAY)
        self.assertEqual(
            self.levels_sent().invoice_ids, other, "only the other invoice"
        )
        self.assertEqual(partner.debt_chased_amount, 200.0)
        self.assertEqual(partner.debt_overdue_amount, 1200.0, "the dispute is owed")
        self.pay(other, payment_date=TODAY)
        self.assertEqual(self.run_on(TODAY + timedelta(days=1)).debt_status, "disputed")

        # resolved from the invoice: the invoice returns to the ladder
        action = disputed.with_user(self.collector).action_debt_resolve_dispute()
        resolve_model = self.env[action["res_model"]].with_user(self.collector)
        with Form(resolve_model.with_context(**action["context"])) as form:
            form.resolution = "Credit note for the broken half; the rest is due."
        with freeze_time(TODAY + timedelta(days=2)):
            form.record.action_resolve()
        self.assertFalse(disputed.debt_disputed)
        self.assertFalse(disputed.debt_dispute_reason)
        self.assertEqual(dispute.dispute_state, "resolved")
        resolved = self.interactions(event="dispute_resolved")
        self.assertEqual(resolved.invoice_ids, disputed)
        self.assertEqual(resolved.user_id, self.collector)
        self.assertIn("Credit note", str(resolved.notes))
        partner = self.run_on(TODAY + timedelta(days=2))
        self.assertIn(disputed, self.levels_sent().invoice_ids)
        self.assertEqual(partner.debt_status, "overdue")

    @freeze_time(TODAY)
    def test_dispute_resolved_from_the_interaction(self):
        first = self.invoice(1000.0, self.days_ago(30))
        second = self.invoice(500.0, self.days_ago(30))
        dispute, _action = self.log(
            outcome="dispute",
            invoice_ids=(first | second).ids,
            dispute_reason="Prices do not match the order",
        )
        self.assertTrue(all((first | second).mapped("debt_disputed")))
        action = dispute.with_user(self.collector).action_resolve_dispute()
        wizard = (
            self.env[action["res_model"]]
            .with_user(self.collector)
            .with_context(**action["context"])
            .create({"resolution": "Prices confirmed by the customer"})
        )
        self.assertEqual(wizard.invoice_ids, first | second)
        wizard.action_resolve()
        self.assertEqual(dispute.dispute_state, "resolved")
        self.assertFalse((first | second).filtered("debt_disputed"))
        with self.assertRaises(UserError):
            dispute.action_resolve_dispute()

    @freeze_time(TODAY)
    def test_dispute_needs_invoices_and_a_reason(self):
        invoice = self.invoice(1000.0, self.days_ago(30))
        with self.assertRaises(ValidationError):
            self.log(outcome="dispute", dispute_reason="Wrong prices")
        with self.assertRaises(ValidationError):
            self.log(outcome="dispute", invoice_ids=invoice.ids)
        self.assertFalse(invoice.debt_disputed)
        self.log(
            outcome="dispute", invoice_ids=invoice.ids, dispute_reason="Wrong prices"
        )
        with self.assertRaises(UserError):
            invoice.action_debt_dispute()  # already disputed

    # ------------------------------------------------------------------
    # Payment plan, paid, wrong contact
    # ------------------------------------------------------------------
    @freeze_time(TODAY)
    def test_agreed_plan_opens_the_plan_wizard_with_the_invoices(self):
        invoice = self.invoice(1000.0, self.days_ago(30))
        self.invoice(300.0, self.days_ago(30))
        entry, action = self.log(outcome="plan", invoice_ids=invoice.ids)
        self.assertEqual(entry.outcome, "plan")
        self.assertEqual(action["res_model"], "debt.recovery.plan.wizard")
        wizard = Form(self.env[action["res_model"]].with_context(**action["context"]))
        self.assertEqual(wizard.partner_id, self.customer)
        self.assertEqual(wizard.invoice_ids.ids, invoice.ids)
        self.assertEqual(wizard.interaction_id, entry)
        self.assertEqual(entry.action_open_plan()["context"], action["context"])

    @freeze_time(TODAY)
    def test_wrong_contact_schedules_a_todo_for_the_collector(self):
        self.set_collector(self.customer.with_company(self.company), self.manager)
        self.invoice(1000.0, self.days_ago(30))
        self.log(outcome="wrong_contact", summary="Number belongs to a bakery")
        activity = self.followup().activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(
            activity.activity_type_id, self.env.ref("mail.mail_activity_data_todo")
        )
        self.assertEqual(activity.user_id, self.manager)
        self.assertIn("bakery", str(activity.note))

    @freeze_time(TODAY)
    def test_paid_is_recorded_without_side_effect(self):
        invoice = self.invoice(1000.0, self.days_ago(30))
        entry, action = self.log(outcome="paid", invoice_ids=invoice.ids)
        self.assertEqual(entry.outcome, "paid")
        self.assertEqual(action["type"], "ir.actions.act_window_close")
        self.assertFalse(entry.promise_state or entry.dispute_state)
        self.assertFalse(invoice.debt_disputed)
        self.assertFalse(self.customer.activity_ids)
