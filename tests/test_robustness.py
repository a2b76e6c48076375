"""Bad input and faults: a clear message, nothing half-written, nothing lost.

Bad input covered elsewhere, with the message and "nothing changed" asserted:

* an email template for the wrong model: test_policy_config.py
  (``test_email_template_of_the_wrong_model_is_refused``);
* a plan whose instalments do not add up: test_plan_lifecycle.py
  (``test_schedule_validation_messages``);
* a promise date in the past: test_interaction_effects.py
  (``test_promise_needs_a_date_that_is_not_past``);
* an export with an empty filter result: test_xlsx_export.py
  (``test_empty_filter_result_is_refused_and_writes_nothing``);
* a partner without email at an email level, recorded as a failed action for
  the collector: test_daily_run.py
  (``test_failure_on_one_partner_does_not_stop_the_batch``).

Faults covered elsewhere: a template rendering error on one partner, the rest
of the batch proceeding: test_daily_run.py
(``test_template_error_on_one_partner_does_not_stop_the_batch``).
"""

import smtplib
from datetime import timedelta
from unittest.mock import patch

from freezegun import freeze_time
from psycopg2 import IntegrityError

from odoo import SUPERUSER_ID, Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.base.models.ir_model import MODULE_UNINSTALL_FLAG

from ..models import debt_recovery_locks as locks
from .common import DebtRecoveryCommon

TODAY = DebtRecoveryCommon.TODAY


@tagged("post_install", "-at_install")
class TestRobustness(DebtRecoveryCommon):
    def customers(self, count, amount=100.0, days=10):
        partners = self.env["res.partner"].create(
            [
                {"name": f"Customer {index}", "email": f"c{index}@example.com"}
                for index in range(count)
            ]
        )
        for partner in partners:
            self.invoice(amount, self.days_ago(days), partner=partner)
        return partners

    def cron_run(self):
        """The run as the scheduled action runs it: as the superuser."""
        return self.env["debt.recovery.run"].with_user(SUPERUSER_ID)

    def levels_sent(self, partners):
        return self.env["debt.recovery.interaction"].search(
            [("partner_id", "in", partners.ids), ("event", "=", "level")]
        )

    def ladder(self):
        return [(level.name, level.days_overdue) for level in self.policy.level_ids]

    # ------------------------------------------------------------------
    # Bad input
    # ------------------------------------------------------------------
    def test_negative_or_duplicate_delays_are_refused_and_write_nothing(self):
        before = self.ladder()
        cases = (
            (-31, "A courtesy reminder goes out at most 30 days before the due date."),
            (
                self.levels[1].days_overdue,
                "Two levels of the same policy cannot start on the same day.",
            ),
        )
        for delay, message in cases:
            with self.subTest(delay=delay):
                with (
                    mute_logger("odoo.sql_db"),
                    self.assertRaises(IntegrityError) as caught,
                    self.env.cr.savepoint(),
                ):
                    self.policy.write(
                        {
                            "level_ids": [
                                Command.create(
                                    {
                                        "name": "Bad",
                                        "days_overdue": delay,
                                        "send_email": True,
                                    }
                                )
                            ]
                        }
                    )
                    self.env.flush_all()
                # the message the user gets
                Level = self.env["debt.recovery.level"]
                self.assertEqual(Level._sql_error_to_message(caught.exception), message)
                self.env.invalidate_all()
                self.assertEqual(self.ladder(), before)

    def test_default_policy_without_levels_is_refused_and_writes_nothing(self):
        empty = self.env["debt.recovery.policy"].create(
            {"name": "Empty", "company_id": self.company.id}
        )
        with (
            self.assertRaisesRegex(
                ValidationError, "The default policy Empty needs at least one level"
            ),
            self.env.cr.savepoint(),
        ):
            self.policy.is_default = False
            empty.is_default = True
        self.env.invalidate_all()
        self.assertFalse(empty.is_default)
        self.assertTrue(self.policy.is_default)
        self.assertEqual(
            self.env["debt.recovery.policy"]._default_for_company(self.company),
            self.policy,
        )

    @freeze_time(TODAY)
    def test_instalment_in_the_past_at_activation_is_refused(self):
        invoice = self.invoice(1000.0, self.days_ago(30))
        Wizard = self.env["debt.recovery.plan.wizard"]
        action = Wizard._action_open(self.customer, invoices=invoice)
        wizard = Wizard.with_context(**action["context"]).create(
            {"instalment_count": 2, "date_start": TODAY + timedelta(days=3)}
        )
        plan = self.env["debt.recovery.plan"].browse(
            wizard.action_create_plan()["res_id"]
        )
        # drafted on Monday, activated ten days later: the first date has passed
        with (
            freeze_time(TODAY + timedelta(days=10)),
            self.assertRaisesRegex(
                UserError, r"has an instalment due on .*, in the past: reschedule it"
            ),
        ):
            plan.action_activate()
        self.env.invalidate_all()
        self.assertEqual(plan.state, "draft")
        self.assertFalse(plan.date_activated)
        self.assertFalse(invoice.debt_plan_id)
        self.assertFalse(self.interactions())

    @freeze_time(TODAY)
    def test_dispute_without_a_reason_is_refused_and_writes_nothing(self):
        # test_interaction_effects checks the refusal; here, that nothing moved
        invoice = self.invoice(1000.0, self.days_ago(30))
        self.run_daily()
        status = self.state().debt_status
        count = len(self.interactions())
        wizard = self.env["debt.recovery.log.wizard"].create(
            {
                "partner_id": self.customer.id,
                "outcome": "dispute",
                "invoice_ids": [Command.set(invoice.ids)],
                "dispute_reason": "   ",
            }
        )
        with (
            self.assertRaisesRegex(
                ValidationError, "A dispute needs the disputed invoices and a reason"
            ),
            self.env.cr.savepoint(),  # the request's transaction is rolled back
        ):
            wizard.action_log()
        self.env.invalidate_all()
        self.assertFalse(invoice.debt_disputed)
        self.assertFalse(invoice.debt_dispute_reason)
        self.assertEqual(len(self.interactions()), count)
        self.assertEqual(self.state().debt_status, status)

    # ------------------------------------------------------------------
    # Faults
    # ------------------------------------------------------------------
    @freeze_time(TODAY)
    def test_smtp_failure_keeps_the_mail_and_the_interaction_says_so(self):
        self.set_levels_auto()
        self.invoice(1000.0, self.days_ago(30))
        self.run_daily()
        entry = self.interactions(event="level")
        mail = self.env["mail.mail"].search(
            [("mail_message_id", "=", entry.mail_message_id.id)]
        )
        self.assertEqual(mail.state, "outgoing")
        self.assertEqual(entry.mail_state, "outgoing")
        refused = smtplib.SMTPConnectError(421, "Service not available")
        MailServer = type(self.env["ir.mail_server"])
        with (
            patch.object(MailServer, "_connect__", side_effect=refused),
            mute_logger("odoo.addons.mail.models.mail_mail"),
        ):
            self.env["mail.mail"].process_email_queue()
        self.env.invalidate_all()
        self.assertTrue(mail.exists(), "the mail is kept, to be retried")
        self.assertEqual(mail.state, "exception")
        self.assertEqual(entry.mail_state, "exception")
        self.assertIn("Service not available", entry.mail_failure_reason)
        # the level was reached once; nothing was rolled back or resent
        self.assertEqual(self.state().debt_level_id, self.levels[0])
        mail.mark_outgoing()  # the collector retries it
        self.assertEqual(entry.mail_state, "outgoing")

    @freeze_time(TODAY)
    def test_run_killed_midway_is_completed_by_the_rerun_without_duplicates(self):
        self.set_levels_auto()
        partners = self.customers(5)
        Cron = type(self.env["ir.cron"])
        # the time budget runs out after the first batch of two
        with patch.object(Cron, "_commit_progress", return_value=0):
            self.cron_run()._cron_daily(batch_size=2)
        evaluated = self.env["debt.recovery.followup"].search(
            [("partner_id", "in", partners.ids), ("last_evaluation_date", "=", TODAY)]
        )
        self.assertEqual(evaluated.partner_id, partners[:2])
        self.assertEqual(self.levels_sent(partners).partner_id, partners[:2])
        self.run_daily()  # the rerun
        sent = self.levels_sent(partners)
        self.assertEqual(len(sent), 5, "one reminder each, none twice")
        self.assertEqual(sent.partner_id, partners)
        mails = self.mails(partners)
        self.assertEqual(len(mails), 5)
        self.assertEqual(
            partners.with_company(self.company).debt_level_id, self.levels[0]
        )

    @freeze_time(TODAY)
    def test_second_run_skips_partners_locked_by_the_first(self):
        self.set_levels_auto()
        partners = self.customers(3)
        busy = partners[1]
        lock = locks.try_lock

        def held_by_the_other_run(records):
            # the other run holds the row lock of ``busy``: SKIP LOCKED skips it
            return lock(records.filtered(lambda f: f.partner_id != busy))

        with patch.object(locks, "try_lock", held_by_the_other_run):
            self.run_daily()
        self.assertEqual(self.levels_sent(partners).partner_id, partners - busy)
        self.assertFalse(self.followup(busy).last_evaluation_date)
        # the next run (here: the same day) evaluates it, and only it
        self.run_daily()
        sent = self.levels_sent(partners)
        self.assertEqual(len(sent), 3)
        self.assertEqual(sent.partner_id, partners)

    @freeze_time(TODAY)
    def test_payment_registered_while_the_run_holds_the_partner(self):
        self.set_levels_auto()
        invoice = self.invoice(1000.0, self.days_ago(30))
        others = self.customers(1)
        Cron = type(self.env["ir.cron"])
        lock = locks.try_lock
        paying = []

        def lock_then_pay(records):
            locked = lock(records)
            if not paying:
                paying.append(True)
                self.pay(invoice)  # committed by the cashier just now
            return locked

        with (
            patch.object(locks, "try_lock", lock_then_pay),
            patch.object(Cron, "_commit_progress", return_value=float("inf")),
        ):
            self.cron_run()._cron_daily()
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        self.assertFalse(self.interactions(event="level"), "no reminder once paid")
        self.assertFalse(self.mails(self.customer))
        self.assertEqual(self.state().debt_status, "up_to_date")
        self.assertEqual(self.levels_sent(others).partner_id, others)

    @freeze_time(TODAY)
    def test_uninstall_leaves_core_accounting_data_intact(self):
        """What uninstalling does to our records, without the cost of an
        uninstall: they are deleted with the uninstall flag, then our tables
        and columns are dropped. The evidence-file guards must not block it,
        and nothing of core accounting may go with them."""
        self.set_levels_auto()
        invoice = self.invoice(1000.0, self.days_ago(30))
        paid = self.invoice(300.0, self.days_ago(30))
        self.pay(paid, amount=100.0)
        self.run_daily()
        self.assertTrue(self.interactions())
        ours = [
            name
            for name, model in self.env.registry.items()
            if name.startswith("debt.recovery.") and not model._abstract
        ]
        for name in ours + ["account.move", "res.partner"]:
            for method in self.env[name]._ondelete_methods:
                if method.__module__.startswith("odoo.addons.account_debt_recovery"):
                    with self.subTest(model=name, method=method.__name__):
                        self.assertFalse(method._ondelete, "at_uninstall=False")
        lines = self.env["account.move.line"].search(
            [("move_id", "in", (invoice | paid).ids)]
        )
        before = lines.read(["debit", "credit", "amount_residual", "reconciled"])
        states = (invoice | paid).mapped("payment_state")
        uninstall = {MODULE_UNINSTALL_FLAG: True}
        for name in (
            "debt.recovery.interaction",
            "debt.recovery.plan.instalment",
            "debt.recovery.plan",
            "debt.recovery.level",
            "debt.recovery.policy",
        ):
            Model = self.env[name].sudo().with_context(active_test=False, **uninstall)
            Model.search([]).unlink()  # pylint: disable=no-search-all
        self.env.flush_all()
        self.env.invalidate_all()
        self.assertTrue(self.customer.exists())
        self.assertEqual((invoice | paid).mapped("state"), ["posted", "posted"])
        self.assertEqual((invoice | paid).mapped("payment_state"), states)
        self.assertEqual(
            lines.read(["debit", "credit", "amount_residual", "reconciled"]), before
        )
        # no core table (our many2many tables aside) cascades from our tables
        self.env.cr.execute(
            """
            SELECT conrelid::regclass::text, confrelid::regclass::text
              FROM pg_constraint
             WHERE contype = 'f' AND confdeltype = 'c'
               AND confrelid::regclass::text LIKE 'debt_recovery%%'
               AND conrelid::regclass::text NOT LIKE '%%debt_recovery%%'
            """
        )
        self.assertFalse(self.env.cr.fetchall())
