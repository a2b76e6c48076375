from ast import literal_eval
from datetime import timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import Form, new_test_user, tagged

from .common import DebtRecoveryCommon


@freeze_time(DebtRecoveryCommon.TODAY)
@tagged("post_install", "-at_install")
class TestWorklist(DebtRecoveryCommon):
    """The collectors' worklist (follow-ups of companies and individuals):
    its order, its views and the buttons it offers on a row and on a
    selection."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.second = cls.env["res.partner"].create(
            {"name": "Slow Payer", "email": "slow@example.com", "is_company": True}
        )
        cls.collector = new_test_user(
            cls.env,
            login="worklist_collector",
            groups="account_debt_recovery.group_debt_recovery_user",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.Partner = cls.env["res.partner"]
        cls.Followup = cls.env["debt.recovery.followup"]

    def worklist(self, domain=(), user=None):
        """The customers on the worklist, in its order."""
        action = self.env.ref(
            "account_debt_recovery.debt_recovery_followup_action_worklist"
        )
        Followup = self.Followup.with_user(user or self.env.user)
        order = Followup.get_views([(False, "list")])["views"]["list"]["arch"]
        self.assertIn('default_order="priority desc"', order)
        return Followup.search(
            [*literal_eval(action.domain), *domain], order="priority desc, id"
        ).partner_id

    # ------------------------------------------------------------------
    # Order
    # ------------------------------------------------------------------
    def test_run_writes_the_priority_and_the_worklist_follows_it(self):
        self.invoice(1000.0, self.days_ago(10))  # 10,000
        self.invoice(300.0, self.days_ago(50), partner=self.second)  # 15,000
        self.run_daily()
        customer, second = self.state(), self.state(self.second)
        self.assertEqual(customer.debt_priority, 1000.0 * 10)
        self.assertEqual(second.debt_priority, 300.0 * 50)
        worklist = self.worklist(
            [("partner_id", "in", (self.customer | self.second).ids)]
        )
        self.assertEqual(worklist.ids, [self.second.id, self.customer.id])

    def test_individuals_and_what_is_disputed_or_planned_are_on_the_worklist(self):
        """A private customer is followed like a company, and the worklist
        shows everything overdue, disputed and planned invoices included."""
        person = self.Partner.create({"name": "Jo Private", "email": "jo@example.com"})
        self.invoice(250.0, self.days_ago(12), partner=person)
        disputed = self.invoice(30000.0, self.days_ago(40))
        planned = self.invoice(250.0, self.days_ago(35))
        self.dispute(disputed)
        plan = self.env["debt.recovery.plan"].create(
            {"partner_id": self.customer.id, "invoice_ids": self.link(planned)}
        )
        plan._write_status({"state": "active"})
        plan.followup_id._refresh_figures()
        self.run_daily()
        self.assertEqual(
            self.worklist([("partner_id", "in", (person | self.customer).ids)]),
            self.customer | person,
        )
        followup = self.followup()
        self.assertEqual(followup.status, "plan")
        self.assertEqual(followup.overdue_amount, 30250.0)
        self.assertEqual(followup.overdue_days, 40)
        self.assertEqual(self.followup(person).status, "overdue")

    def test_priority_falls_to_zero_when_settled(self):
        invoice = self.invoice(1000.0, self.days_ago(10))
        self.run_daily()
        self.assertEqual(self.state().debt_priority, 10000.0)
        self.pay(invoice)
        with freeze_time(self.TODAY + timedelta(days=1)):
            self.run_daily()
        self.assertEqual(self.state().debt_priority, 0.0)
        self.assertEqual(self.state().debt_status, "up_to_date")

    def test_priority_is_per_company(self):
        self.invoice(1000.0, self.days_ago(10))
        self.run_daily()
        other = self.setup_other_company(name="Company W")["company"]
        self.assertEqual(self.state().debt_priority, 10000.0)
        self.assertFalse(self.state(company=other).debt_priority)

    # ------------------------------------------------------------------
    # Views
    # ------------------------------------------------------------------
    def test_views_of_the_worklist_load(self):
        action = self.env.ref(
            "account_debt_recovery.debt_recovery_followup_action_worklist"
        )
        self.assertEqual(action.view_mode, "list,kanban,form,activity")
        views = self.Followup.with_user(self.collector).get_views(
            [(False, mode) for mode in action.view_mode.split(",")]
            + [(action.search_view_id.id, "search")]
        )["views"]
        self.assertIn('default_group_by="status"', views["kanban"]["arch"])
        self.assertIn("level_color", views["kanban"]["arch"])
        self.assertIn("activity", views)
        for name in ("mine", "unassigned", "to_review", "paused", "failed"):
            self.assertIn(f'name="{name}"', views["search"]["arch"])

    def test_level_colour_follows_its_tone(self):
        colours = dict(zip(self.levels.mapped("tone"), self.levels.mapped("color")))
        self.assertEqual(colours, {"courteous": 10, "firm": 3, "formal": 2, "final": 1})
        self.invoice(1000.0, self.days_ago(10))
        self.run_daily()
        self.assertEqual(self.followup().level_color, 10)

    def test_filters(self):
        self.invoice(1000.0, self.days_ago(10))
        self.invoice(500.0, self.days_ago(10), partner=self.second)
        self.run_daily()
        self.set_collector(self.customer, self.collector)
        both = [("partner_id", "in", (self.customer | self.second).ids)]
        mine = self.worklist([*both, ("collector_id", "=", self.collector.id)])
        self.assertEqual(mine, self.customer)
        unassigned = self.worklist([*both, ("collector_id", "=", False)])
        self.assertEqual(unassigned, self.second)
        self.env["debt.recovery.interaction"].create(
            {
                "partner_id": self.second.id,
                "channel": "phone",
                "outcome": "promise",
                "promise_date": self.TODAY,
                "summary": "Pays today",
            }
        )
        promises = self.worklist([*both, ("promise_due", "=", True)])
        self.assertEqual(promises, self.second)
        self.assertTrue(self.followup(self.second).promise_due)
        self.assertFalse(self.followup().promise_due)

    def test_plans_at_risk(self):
        """A customer whose active plan has a late instalment is "at risk"."""
        invoice = self.invoice(900.0, self.days_ago(20))
        plan = self.env["debt.recovery.plan"].create(
            {
                "partner_id": self.customer.id,
                "invoice_ids": [Command.set(invoice.ids)],
                "date_start": self.TODAY + timedelta(days=1),
                "instalment_ids": [
                    Command.create(
                        {"due_date": self.TODAY + timedelta(days=1), "amount": 450.0}
                    ),
                    Command.create(
                        {"due_date": self.TODAY + timedelta(days=31), "amount": 450.0}
                    ),
                ],
            }
        )
        plan.action_activate()
        both = [("partner_id", "in", (self.customer | self.second).ids)]
        self.assertFalse(self.worklist([*both, ("plan_at_risk", "=", True)]))
        with freeze_time(self.TODAY + timedelta(days=3)):
            self.run_daily()
            at_risk = self.worklist([*both, ("plan_at_risk", "=", True)])
            self.assertEqual(at_risk, self.customer)
            self.assertTrue(self.followup().plan_at_risk)
            self.assertFalse(self.followup(self.second).plan_at_risk)

    # ------------------------------------------------------------------
    # Buttons
    # ------------------------------------------------------------------
    def test_pause_a_selection(self):
        self.invoice(1000.0, self.days_ago(10))
        self.invoice(500.0, self.days_ago(10), partner=self.second)
        self.run_daily()
        selection = (self.customer | self.second).with_user(self.collector)
        action = selection.action_debt_pause()
        until = self.TODAY + timedelta(days=14)
        with Form(
            self.env[action["res_model"]]
            .with_user(self.collector)
            .with_context(**action["context"])
        ) as wizard:
            wizard.date_until = until
            wizard.reason = "Awaiting the receiver"
        wizard.record.action_pause()
        for partner in (self.customer, self.second):
            state = self.state(partner)
            self.assertEqual(state.debt_pause_until, until)
            self.assertEqual(state.debt_pause_reason, "Awaiting the receiver")
            self.assertEqual(state.debt_status, "paused")
            logged = self.interactions(partner, event="paused")
            self.assertEqual(len(logged), 1)
            self.assertIn("Awaiting the receiver", logged.summary)
            self.assertEqual(logged.user_id, self.collector)
        # the run keeps them paused until the date
        with freeze_time(self.TODAY + timedelta(days=7)):
            self.run_daily()
        self.assertEqual(self.state().debt_status, "paused")
        self.assertFalse(
            self.interactions(event="level").filtered(
                lambda entry: entry.date.date() > self.TODAY
            )
        )

    def test_pause_from_the_action_menu_and_in_the_past(self):
        wizard = (
            self.env["debt.recovery.pause.wizard"]
            .with_context(active_model="res.partner", active_ids=self.contact.ids)
            .create({"date_until": self.days_ago(1), "reason": "Too late"})
        )
        self.assertEqual(wizard.partner_ids, self.customer, "the commercial partner")
        with self.assertRaises(UserError):
            wizard.action_pause()
        self.assertFalse(self.state().debt_pause_until)

    def test_assign_collector_to_a_selection(self):
        self.invoice(1000.0, self.days_ago(30))
        self.run_daily()
        former = new_test_user(
            self.env,
            login="former_collector",
            groups="account_debt_recovery.group_debt_recovery_user",
        )
        self.set_collector(self.customer, former)
        activity = self.followup().activity_schedule(
            "mail.mail_activity_data_call", user_id=former.id
        )
        action = (self.customer | self.second).action_debt_assign_collector()
        wizard = (
            self.env[action["res_model"]]
            .with_context(**action["context"])
            .create({"collector_id": self.collector.id})
        )
        wizard.action_assign()
        self.assertEqual(self.state().debt_collector_id, self.collector)
        self.assertEqual(self.state(self.second).debt_collector_id, self.collector)
        self.assertEqual(activity.user_id, self.collector)

    def test_send_now_from_the_worklist(self):
        self.levels[0].execution = "review"
        self.invoice(1000.0, self.days_ago(10))
        self.run_daily()
        self.assertEqual(self.state().debt_status, "to_review")
        self.send_reviewed()
        self.assertEqual(self.state().debt_level_id, self.levels[0])
        self.assertFalse(self.state().debt_pending_level_id)
        self.assertEqual(self.state().debt_priority, 10000.0)

    def test_log_a_call_and_plan_from_a_row(self):
        self.invoice(1000.0, self.days_ago(10))
        action = self.customer.action_debt_log_interaction()
        self.assertEqual(action["res_model"], "debt.recovery.log.wizard")
        self.assertEqual(action["context"]["default_partner_id"], self.customer.id)
        action = self.customer.action_debt_propose_plan()
        self.assertEqual(action["res_model"], "debt.recovery.plan.wizard")
        with self.assertRaises(UserError):
            (self.customer | self.second).action_debt_log_interaction()
