from datetime import timedelta

from freezegun import freeze_time
from psycopg2 import IntegrityError

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .plan_common import PlanCommon


@tagged("post_install", "-at_install")
@freeze_time(PlanCommon.TODAY)
class TestPlanLifecycle(PlanCommon):
    """Creating, validating, activating and cancelling a payment plan."""

    # ------------------------------------------------------------------
    # Creating a plan
    # ------------------------------------------------------------------
    def test_wizard_defaults_to_all_eligible_overdue_invoices(self):
        old = self.invoice(400.0, self.days_ago(40))
        recent = self.invoice(600.0, self.days_ago(10))
        self.invoice(300.0, self.TODAY + timedelta(days=10))  # not overdue yet
        disputed = self.invoice(200.0, self.days_ago(30))
        self.dispute(disputed)
        wizard = self.propose()
        self.assertEqual(wizard.invoice_ids, old | recent)
        self.assertEqual(wizard.amount_total, 1000.0)

    def test_wizard_from_selected_invoices_and_from_an_interaction(self):
        first = self.invoice(400.0, self.days_ago(40))
        second = self.invoice(600.0, self.days_ago(10))
        Wizard = self.Wizard.with_context(
            active_model="account.move", active_ids=second.ids
        )
        wizard = Wizard.create({})
        self.assertEqual(wizard.partner_id, self.customer)
        self.assertEqual(wizard.invoice_ids, second)
        other = self.env["res.partner"].create(
            {"name": "Other Ltd", "is_company": True}
        )
        foreign = self.invoice(100.0, self.days_ago(10), partner=other)
        with self.assertRaisesRegex(UserError, "agreed with one customer"):
            self.Wizard.with_context(
                active_model="account.move", active_ids=(first | foreign).ids
            ).create({})
        interaction = self.env["debt.recovery.interaction"].create(
            {
                "partner_id": self.customer.id,
                "channel": "phone",
                "direction": "inbound",
                "outcome": "plan",
                "summary": "Agreed to pay in three months",
                "invoice_ids": [Command.set(first.ids)],
            }
        )
        wizard = self.Wizard._action_open(
            interaction.partner_id,
            invoices=interaction.invoice_ids,
            interaction=interaction,
        )
        wizard = self.Wizard.with_context(**wizard["context"]).create({})
        self.assertEqual(wizard.invoice_ids, first)
        plan = self.Plan.browse(wizard.action_create_plan()["res_id"])
        self.assertEqual(plan.interaction_id, interaction)
        self.assertEqual(plan.partner_id, self.customer)
        self.assertEqual(plan.grace_days, 5, "from the customer's policy")
        # the contact person's invoices belong to the company
        invoice = self.invoice(50.0, self.days_ago(5), partner=self.contact)
        wizard = self.Wizard.with_context(
            active_model="res.partner", active_ids=self.contact.ids
        ).create({})
        self.assertEqual(wizard.partner_id, self.customer)
        self.assertIn(invoice, wizard.invoice_ids)

    def test_instalments_edited_by_hand_in_draft(self):
        invoice = self.invoice(1000.0, self.days_ago(30))
        plan = self.make_plan(invoice, count=4, activate=False)
        first, second = plan.instalment_ids[:2]
        plan.write(
            {
                "instalment_ids": [
                    Command.update(first.id, {"amount": 100.0}),
                    Command.update(second.id, {"amount": 400.0}),
                ]
            }
        )
        self.assertEqual(self.amounts(plan), [100.0, 400.0, 250.0, 250.0])
        self.assertEqual(plan.instalment_difference, 0.0)
        # the wizard recomputes the schedule of the draft
        action = plan.action_reschedule()
        wizard = self.Wizard.with_context(**action["context"]).create(
            {"instalment_count": 2}
        )
        self.assertEqual(wizard.invoice_ids, invoice)
        wizard.action_create_plan()
        self.assertEqual(self.amounts(plan), [500.0, 500.0])

    # ------------------------------------------------------------------
    # Validation messages
    # ------------------------------------------------------------------
    def test_schedule_validation_messages(self):
        invoice = self.invoice(1000.0, self.days_ago(30))
        plan = self.make_plan(invoice, count=2, activate=False)
        first, second = plan.instalment_ids
        with (
            self.assertRaisesRegex(
                ValidationError, "Each instalment must be a positive amount"
            ),
            self.env.cr.savepoint(),
        ):
            plan.write(
                {
                    "instalment_ids": [
                        Command.update(first.id, {"amount": 0.0}),
                        Command.update(second.id, {"amount": 1000.0}),
                    ]
                }
            )
        with (
            self.assertRaisesRegex(ValidationError, "must fall due in date order"),
            self.env.cr.savepoint(),
        ):
            plan.write(
                {
                    "instalment_ids": [
                        Command.update(second.id, {"due_date": first.due_date})
                    ]
                }
            )
        with (
            self.assertRaisesRegex(ValidationError, "must fall due in date order"),
            self.env.cr.savepoint(),
        ):
            plan.write(
                {
                    "instalment_ids": [
                        Command.update(
                            second.id, {"due_date": first.due_date - timedelta(1)}
                        )
                    ]
                }
            )
        with (
            self.assertRaisesRegex(
                ValidationError,
                r"add up to \$\s?900.00 but the plan total is \$\s?1,000.00",
            ),
            self.env.cr.savepoint(),
        ):
            plan.write(
                {"instalment_ids": [Command.update(second.id, {"amount": 400.0})]}
            )
        # nothing half-written
        self.env.invalidate_all()
        self.assertEqual(self.amounts(plan), [500.0, 500.0])

    def test_invoice_validation_messages(self):
        invoice = self.invoice(1000.0, self.days_ago(30))
        other = self.env["res.partner"].create(
            {"name": "Other Ltd", "is_company": True}
        )
        cases = [
            (
                self.invoice(100.0, self.days_ago(5), post=False),
                "is not a posted customer invoice",
            ),
            (
                self.invoice(100.0, self.days_ago(5), move_type="out_refund"),
                "is not a posted customer invoice",
            ),
            (
                self.invoice(100.0, self.days_ago(5), partner=other),
                "is an invoice of Other Ltd",
            ),
        ]
        paid = self.invoice(100.0, self.days_ago(5))
        self.pay(paid)
        cases.append((paid, "has nothing left to pay: remove it from the plan"))
        foreign = self.invoice(
            100.0,
            self.days_ago(5),
            company_data=self.setup_other_company(name="Company B"),
        )
        cases.append((foreign, "belongs to Company B"))
        for move, message in cases:
            with (
                self.subTest(message=message),
                self.assertRaisesRegex(ValidationError, message),
                self.env.cr.savepoint(),
            ):
                self.Plan.create(
                    {
                        "partner_id": self.customer.id,
                        "invoice_ids": [Command.set((invoice | move).ids)],
                    }
                )
        self.make_plan(invoice)
        with self.assertRaisesRegex(
            ValidationError, "is already covered by the active payment plan"
        ):
            self.Plan.create(
                {
                    "partner_id": self.customer.id,
                    "invoice_ids": [Command.set(invoice.ids)],
                }
            )

    def test_one_currency_and_positive_grace_days(self):
        kwd = self.setup_other_currency("KWD")
        invoices = self.invoice(100.0, self.days_ago(30)) | self.invoice(
            100.0, self.days_ago(30), currency_id=kwd.id
        )
        with (
            self.assertRaisesRegex(ValidationError, "must be in one currency"),
            self.env.cr.savepoint(),
        ):
            self.Plan.create(
                {"partner_id": self.customer.id, "invoice_ids": self.link(invoices)}
            )
        plan = self.Plan.create(
            {"partner_id": self.customer.id, "invoice_ids": self.link(invoices[1])}
        )
        self.assertEqual(plan.currency_id, kwd)
        with (
            self.assertRaises(IntegrityError),
            mute_logger("odoo.sql_db"),
            self.env.cr.savepoint(),
        ):
            plan.grace_days = -1
            plan.flush_recordset()
        with (
            self.assertRaises(IntegrityError),
            mute_logger("odoo.sql_db"),
            self.env.cr.savepoint(),
        ):
            self.policy.plan_reminder_days = -1
            self.policy.flush_recordset()

    def test_wizard_without_a_first_date(self):
        invoice = self.invoice(100.0, self.days_ago(30))
        wizard = self.Wizard.new(
            {
                "partner_id": self.customer.id,
                "company_id": self.company.id,
                "invoice_ids": self.link(invoice),
                "instalment_count": 2,
                "date_start": False,
            }
        )
        self.assertEqual(
            wizard.preview_error, "Choose the date of the first instalment."
        )

    def test_plans_from_the_customer(self):
        self.invoice(100.0, self.days_ago(30))
        action = self.customer.action_debt_propose_plan()
        self.assertEqual(action["res_model"], "debt.recovery.plan.wizard")
        self.assertEqual(action["context"]["default_partner_id"], self.customer.id)
        plan = self.make_plan()
        partner = self.state(self.contact)
        self.assertEqual(partner.debt_plan_count, 1, "the contact shows its company's")
        action = partner.action_debt_plans()
        self.assertEqual(self.Plan.search(action["domain"]), plan)
        self.assertEqual(self.customer.debt_plan_ids, plan)
        other = self.env["res.partner"].create({"name": "Other", "is_company": True})
        with self.assertRaisesRegex(UserError, "one customer at a time"):
            (self.customer | other).action_debt_propose_plan()

    def test_covering_does_not_mark_the_invoice_as_edited(self):
        invoice = self.invoice(100.0, self.days_ago(30))
        invoice.is_manually_modified = False
        self.make_plan(invoice)
        self.assertEqual(invoice.debt_plan_id.state, "active")
        self.assertFalse(invoice.is_manually_modified)

    def test_no_plan_on_a_zero_balance(self):
        invoice = self.invoice(1000.0, self.days_ago(30))
        plan = self.make_plan(invoice, activate=False)
        self.pay(invoice)
        with self.assertRaisesRegex(UserError, "has nothing left to pay: remove it"):
            plan.action_activate()
        self.assertEqual(plan.state, "draft")
        self.assertFalse(invoice.debt_plan_id)
        wizard = self.propose(invoice, instalment_count=2)
        self.assertEqual(
            wizard.invoice_ids, self.env["account.move"], "paid: not proposed"
        )
        with self.assertRaisesRegex(UserError, "Choose the invoices"):
            wizard.action_create_plan()
        with self.assertRaisesRegex(UserError, "There is no balance to spread"):
            self.Instalment._split_amounts(0.0, invoice.currency_id, count=2)

    def test_activation_needs_invoices_and_instalments(self):
        invoice = self.invoice(1000.0, self.days_ago(30))
        empty = self.Plan.create({"partner_id": self.customer.id})
        with self.assertRaisesRegex(UserError, "covers no invoice"):
            empty.action_activate()
        unscheduled = self.Plan.create(
            {"partner_id": self.customer.id, "invoice_ids": [Command.set(invoice.ids)]}
        )
        with self.assertRaisesRegex(UserError, "has no instalment"):
            unscheduled.action_activate()
        first = self.make_plan(invoice, activate=False)
        second = self.make_plan(invoice, activate=False)
        with self.assertRaisesRegex(UserError, "cover the same invoices"):
            (first | second).action_activate()
        first.action_activate()
        with self.assertRaisesRegex(UserError, "only a draft plan can be activated"):
            first.action_activate()
        with self.assertRaisesRegex(UserError, "already covered by the active payment"):
            second.action_activate()

    # ------------------------------------------------------------------
    # Activation
    # ------------------------------------------------------------------
    def test_activation_by_a_manager_takes_invoices_out_of_the_ladder(self):
        invoice = self.invoice(1000.0, self.days_ago(30))
        other = self.invoice(300.0, self.days_ago(30))
        self.run_daily()
        self.assertEqual(self.state().debt_level_id, self.levels[0])
        plan = self.make_plan(invoice, activate=False)
        with self.assertRaisesRegex(
            AccessError, "Only a debt recovery manager can activate"
        ):
            plan.with_user(self.collector).action_activate()
        plan.action_activate()
        self.assertEqual(plan.state, "active")
        self.assertEqual(plan.date_activated, self.TODAY)
        self.assertEqual(invoice.debt_plan_id, plan)
        self.assertFalse(other.debt_plan_id)
        self.assertEqual(
            self.state().debt_chased_amount, 300.0, "the plan's invoice left"
        )
        logged = self.interactions(event="plan_activated")
        self.assertEqual(logged.invoice_ids, invoice)
        self.assertIn(plan.name, logged.summary)
        self.assertFalse(logged.automated)

    def test_activation_of_the_only_overdue_invoices_shows_the_plan_status(self):
        invoice = self.invoice(1000.0, self.days_ago(30))
        self.run_daily()
        self.make_plan(invoice)
        partner = self.state()
        self.assertEqual(partner.debt_status, "plan")
        self.assertEqual(partner.debt_level_id, self.levels[0], "keeps its level")
        self.assertEqual(partner.debt_plan_count, 1)

    def test_collector_drafts_a_plan(self):
        invoice = self.invoice(1000.0, self.days_ago(30))
        Wizard = self.Wizard.with_user(self.collector)
        action = Wizard._action_open(self.customer)
        wizard = Wizard.with_context(**action["context"]).create(
            {"instalment_count": 2}
        )
        plan = self.Plan.browse(wizard.action_create_plan()["res_id"])
        self.assertEqual(plan.create_uid, self.collector)
        self.assertEqual(plan.invoice_ids, invoice)
        self.assertEqual(plan.user_id, self.collector, "no collector set: the drafter")

    # ------------------------------------------------------------------
    # A running plan is frozen; cancelling
    # ------------------------------------------------------------------
    def test_only_managers_and_the_run_move_the_status(self):
        invoice = self.invoice(1000.0, self.days_ago(30))
        plan = self.make_plan(invoice, activate=False)
        as_collector = plan.with_user(self.collector)
        as_collector.notes = "<p>Customer asked for the 12th</p>"
        for user in (self.collector, self.env.user):  # managers neither
            for values in ({"state": "active"}, {"date_end": self.TODAY}):
                with self.assertRaisesRegex(AccessError, "changes only through"):
                    plan.with_user(user).write(values)
        with self.assertRaisesRegex(AccessError, "recorded by the daily run"):
            as_collector.instalment_ids[0].date_late = self.TODAY
        self.assertEqual(plan.state, "draft")
        self.assertIn("PP/", plan.instalment_ids[0].display_name)

    def test_running_plan_cannot_be_changed_or_deleted(self):
        invoice = self.invoice(1000.0, self.days_ago(30))
        plan = self.make_plan(invoice)
        with self.assertRaisesRegex(UserError, "only a draft plan can be changed"):
            plan.instalment_ids[0].amount = 10.0
        with self.assertRaisesRegex(UserError, "only a draft plan can be changed"):
            plan.date_start = self.TODAY
        with self.assertRaisesRegex(UserError, "only a draft plan can be changed"):
            plan.instalment_ids[0].unlink()
        with self.assertRaisesRegex(
            UserError, "only draft and cancelled plans can be deleted"
        ):
            plan.unlink()
        plan.grace_days = 10  # the grace can still be extended
        self.assertEqual(plan.grace_days, 10)

    def test_cancel_by_a_manager_with_a_reason(self):
        invoice = self.invoice(1000.0, self.days_ago(30))
        plan = self.make_plan(invoice)
        with self.assertRaisesRegex(
            AccessError, "Only a debt recovery manager can cancel"
        ):
            plan.with_user(self.collector).action_cancel()
        with self.assertRaisesRegex(
            AccessError, "Only a debt recovery manager can cancel"
        ):
            plan.with_user(self.collector)._cancel("No reason")
        action = plan.action_cancel()
        wizard = (
            self.env[action["res_model"]]
            .with_context(**action["context"])
            .create({"reason": "  "})
        )
        with self.assertRaisesRegex(UserError, "Give the reason"):
            wizard.action_cancel_plans()
        self.assertEqual(plan.state, "active")
        wizard.reason = "Customer sold the business; the buyer pays the balance"
        wizard.action_cancel_plans()
        self.assertEqual(plan.state, "cancelled")
        self.assertEqual(plan.date_end, self.TODAY)
        self.assertFalse(invoice.debt_plan_id, "back on the ladder")
        logged = self.interactions(event="plan_cancelled")
        self.assertIn("Customer sold the business", logged.summary)
        with self.assertRaisesRegex(
            UserError, "only draft and active plans can be cancelled"
        ):
            plan._cancel("Again")
        # a cancelled plan may be deleted; its invoices can get a new plan
        self.make_plan(invoice)
        plan.unlink()
