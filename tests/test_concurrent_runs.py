"""Two daily runs at once, for real: two database connections, outside the
cron's own lock, on committed data. Nobody is contacted twice and both runs
finish. The data is made and removed by the test itself."""

import logging
import threading
import time
from collections import Counter
from datetime import timedelta
from unittest.mock import patch

from odoo import SUPERUSER_ID, api, fields
from odoo.exceptions import UserError
from odoo.modules.registry import Registry
from odoo.service.model import retrying
from odoo.tests import BaseCase, get_db_name, tagged

from odoo.addons.base.models.ir_model import MODULE_UNINSTALL_FLAG

from ..models import debt_recovery_run, debt_recovery_run_followups
from ..models.debt_recovery_run_workers import (
    DAILY_CRON,
    SECOND_WORKER_CRON,
    SHARED_LADDER,
)

CUSTOMERS = 60
BATCH = 7
COMING = 10


@tagged("post_install", "-at_install")
class TestConcurrentRuns(BaseCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.registry = Registry(get_db_name())

    def env_of(self, cr):
        return api.Environment(cr, SUPERUSER_ID, {})

    def setUp(self):
        super().setUp()
        with self.registry.cursor() as cr:
            env = self.env_of(cr)
            company = env.ref("base.main_company")
            journal = env["account.journal"].search(
                [("company_id", "=", company.id), ("type", "=", "sale")], limit=1
            )
            if not journal:
                self.skipTest("the main company has no chart of accounts")
            policy = env["debt.recovery.policy"].create(
                {
                    "name": "Concurrent runs",
                    "company_id": company.id,
                    # no spacing: a second evaluation would contact again
                    "min_days_between_contacts": 0,
                    "max_contacts_per_week": 50,
                    "level_ids": [
                        fields.Command.create(
                            {
                                "name": "Reminder",
                                "days_overdue": 1,
                                "send_email": True,
                                "mail_template_id": env.ref(
                                    "account_debt_recovery.mail_template_debt_recovery"
                                ).id,
                            }
                        ),
                        fields.Command.create(
                            {
                                "name": "Heads-up",
                                "tone": "courteous",
                                "days_overdue": -3,
                                "send_email": True,
                            }
                        ),
                    ],
                }
            )
            partners = env["res.partner"].create(
                [
                    {
                        "name": f"Concurrent customer {index}",
                        "email": f"concurrent{index}@example.com",
                        "is_company": True,
                    }
                    for index in range(CUSTOMERS + COMING)
                ]
            )
            partners, coming = partners[:CUSTOMERS], partners[CUSTOMERS:]
            today = fields.Date.context_today(env["res.partner"])
            # the first owe an overdue invoice, the others one falling due in
            # two days (the courtesy reminder's)
            invoices = env["account.move"].create(
                [
                    {
                        "move_type": "out_invoice",
                        "partner_id": partner.id,
                        "journal_id": journal.id,
                        "invoice_date": today - timedelta(days=40),
                        "invoice_date_due": today + timedelta(days=due),
                        "invoice_line_ids": [
                            fields.Command.create(
                                {"name": "Goods", "price_unit": 100.0, "tax_ids": []}
                            )
                        ],
                    }
                    for partners_due, due in ((partners, -10), (coming, 2))
                    for partner in partners_due
                ]
            )
            invoices.action_post()
            env["debt.recovery.followup"]._for_partners(
                partners | coming, company
            )._set_policy(policy)
            self.ids = {
                "policy": policy.id,
                "partners": partners.ids,
                "coming": coming.ids,
                "invoices": invoices.ids,
                "crons": (env.ref(DAILY_CRON) | env.ref(SECOND_WORKER_CRON)).ids,
            }
            # the ladder is shared once a day: not yet today
            env["ir.config_parameter"].sudo().set_param(SHARED_LADDER, False)
        self.addCleanup(self.remove_data)

    def remove_data(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {MODULE_UNINSTALL_FLAG: True})
            partners = env["res.partner"].browse(
                self.ids["partners"] + self.ids["coming"]
            )
            followups = env["debt.recovery.followup"].search(
                [("partner_id", "in", partners.ids)]
            )
            invoices = env["account.move"].browse(self.ids["invoices"])
            invoices.button_draft()  # settles the customers (logged)
            invoices.with_context(force_delete=True).unlink()
            env["mail.mail"].search(
                [("model", "=", followups._name), ("res_id", "in", followups.ids)]
            ).unlink()
            followups.interaction_ids.unlink()
            followups.unlink()
            env["debt.recovery.policy"].browse(self.ids["policy"]).unlink()
            partners.unlink()
            env["ir.cron.trigger"].search(
                [("cron_id", "in", self.ids["crons"])]
            ).unlink()
            env["ir.config_parameter"].sudo().set_param(SHARED_LADDER, False)

    def first_time_customers(self, count):
        """``count`` new customers, committed (removed with the test's data),
        who have no follow-up yet (read their ids: their cursor is closed)."""
        with self.registry.cursor() as cr:
            new = self.env_of(cr)["res.partner"].create(
                [{"name": f"First-time customer {index}"} for index in range(count)]
            )
            self.ids["coming"].extend(new.ids)
        return new

    def run_in_thread(self, barrier, errors):
        try:
            with self.registry.cursor() as cr:
                env = self.env_of(cr)
                barrier.wait(timeout=30)
                env["debt.recovery.run"]._cron_daily(batch_size=BATCH)
        except Exception as error:  # noqa: BLE001 - reported by the test
            errors.append(error)

    def run_cron_job(self, xmlid, errors, started=None):
        """Run a scheduled action as a cron worker does (once started)."""
        try:
            if started:
                started.wait(timeout=60)
            with self.registry.cursor() as cr:
                self.env_of(cr).ref(xmlid).method_direct_trigger()
        except Exception as error:  # noqa: BLE001 - reported by the test
            errors.append(error)

    def wait_for_trigger(self, started):
        """The second cron worker, woken when the daily run starts it."""
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not started.is_set():
            with self.registry.cursor() as cr:
                cron = self.env_of(cr).ref(SECOND_WORKER_CRON)
                if self.env_of(cr)["ir.cron.trigger"].search_count(
                    [("cron_id", "=", cron.id)]
                ):
                    started.set()
            time.sleep(0.02)

    def test_the_daily_run_and_its_second_worker_share_the_day(self):
        started, errors = threading.Event(), []
        evaluated, customers = Counter(), set(self.ids["partners"])
        Run = self.registry["debt.recovery.run"]
        real, batches = Run._evaluate, Run._batches

        def count(run, followups, *args, **kwargs):
            ours = followups.filtered(lambda f: f.partner_id.id in customers)
            evaluated[threading.current_thread().name] += len(ours)
            return real(run, followups, *args, **kwargs)

        def small_batches(run, today, batch_size):
            return batches(run, today, BATCH)

        threads = [
            threading.Thread(
                target=self.run_cron_job, args=(DAILY_CRON, errors), name=DAILY_CRON
            ),
            threading.Thread(target=self.wait_for_trigger, args=(started,)),
            threading.Thread(
                target=self.run_cron_job,
                args=(SECOND_WORKER_CRON, errors, started),
                name=SECOND_WORKER_CRON,
            ),
        ]
        with (
            patch.object(Run, "_evaluate", count),
            patch.object(Run, "_batches", small_batches),
        ):
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=300)
        self.assertFalse(errors, f"a run failed: {errors}")
        self.assertTrue(started.is_set(), "the daily run started its second worker")
        with self.registry.cursor() as cr:
            env = self.env_of(cr)
            counts = dict(
                env["debt.recovery.interaction"]._read_group(
                    [
                        ("partner_id", "in", self.ids["partners"]),
                        ("event", "=", "level"),
                    ],
                    ["partner_id"],
                    ["__count"],
                )
            )
            self.assertEqual(len(counts), CUSTOMERS, "everybody was reminded")
            self.assertEqual(set(counts.values()), {1}, "somebody was reminded twice")
            Interaction = env["debt.recovery.interaction"]
            ladder = Interaction.search(
                [("partner_id", "in", self.ids["partners"]), ("event", "=", "level")]
            )
            courtesy = Interaction.search(
                [("partner_id", "in", self.ids["coming"]), ("event", "=", "courtesy")]
            )
            self.assertEqual(
                sorted(courtesy.partner_id.ids), self.ids["coming"], "one each"
            )
            self.assertEqual(len(courtesy), COMING)
            self.assertGreater(
                min(courtesy.ids), max(ladder.ids), "the courtesy after the ladder"
            )
        self.assertEqual(
            set(evaluated), {DAILY_CRON, SECOND_WORKER_CRON}, "one worker did nothing"
        )
        self.assertEqual(sum(evaluated.values()), CUSTOMERS, "each evaluated once")

    def test_two_runs_at_once_contact_nobody_twice_and_both_finish(self):
        barrier = threading.Barrier(2)
        errors = []
        threads = [
            threading.Thread(target=self.run_in_thread, args=(barrier, errors))
            for _run in range(2)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=300)
        self.assertFalse(errors, f"a run failed: {errors}")
        with self.registry.cursor() as cr:
            env = self.env_of(cr)
            counts = {
                partner.id: count
                for partner, count in env["debt.recovery.interaction"]._read_group(
                    [
                        ("partner_id", "in", self.ids["partners"]),
                        ("event", "=", "level"),
                    ],
                    ["partner_id"],
                    ["__count"],
                )
            }
            self.assertEqual(
                sorted(counts), sorted(self.ids["partners"]), "everybody was reminded"
            )
            self.assertEqual(set(counts.values()), {1}, "somebody was reminded twice")

    def test_a_batch_another_run_did_meanwhile_is_skipped_without_an_error(self):
        """A run whose snapshot predates the other run's commit of the same
        batch cannot lock it (PostgreSQL: could not serialize): it skips the
        batch, contacts nobody again, and logs no error (an expected race
        between two runs, not a failure)."""
        with self.registry.cursor() as late_cr, self.registry.cursor() as early_cr:
            late = self.env_of(late_cr)
            today = fields.Date.context_today(late["res.partner"])
            ids = (
                late["debt.recovery.followup"]
                .search([("partner_id", "in", self.ids["partners"][:BATCH])])
                .ids
            )  # the late run's snapshot is taken here
            self.env_of(early_cr)["debt.recovery.run"]._run_batch(ids, today)
            early_cr.commit()
            with (
                self.assertNoLogs(level="ERROR"),
                self.assertLogs(debt_recovery_run.__name__, logging.INFO) as logged,
            ):
                late["debt.recovery.run"]._run_batch(ids, today)
            self.assertIn("could not serialize", "\n".join(logged.output))
            late_cr.commit()
        with self.registry.cursor() as cr:
            counts = dict(
                self.env_of(cr)["debt.recovery.interaction"]._read_group(
                    [("followup_id", "in", ids), ("event", "=", "level")],
                    ["followup_id"],
                    ["__count"],
                )
            )
            self.assertEqual(len(counts), BATCH, "the early run reminded them")
            self.assertEqual(set(counts.values()), {1}, "the late run did it again")

    def test_two_runs_creating_the_same_followups_log_no_error(self):
        """Customers owing for the first time get their follow-up from the
        first run that reaches them; a second run at the same moment waits
        for it and reads those, without a failed insert in the log."""
        new = self.first_time_customers(5)
        with self.registry.cursor() as cr:
            company_id = self.env_of(cr).ref("base.main_company").id
        found, errors = [], []

        def second_run():
            try:
                with self.registry.cursor() as cr:
                    env = self.env_of(cr)
                    followups = (
                        env["debt.recovery.run"]
                        ._as_scheduled_run()
                        ._ensure_followups(
                            list(env["res.partner"].browse(new.ids)),
                            env["res.company"].browse(company_id),
                        )
                    )
                    found.extend(followups.ids)
            except Exception as error:  # noqa: BLE001 - reported by the test
                errors.append(error)

        with (
            self.assertNoLogs(level="ERROR"),
            self.assertNoLogs(debt_recovery_run_followups.__name__, "INFO"),
            self.registry.cursor() as first_cr,
        ):
            env = self.env_of(first_cr)
            created = env["debt.recovery.run"]._ensure_followups(
                list(env["res.partner"].browse(new.ids)),
                env["res.company"].browse(company_id),
            )
            thread = threading.Thread(target=second_run)
            thread.start()
            try:
                self.wait_for_a_lock_wait(first_cr, "advisory")
                first_cr.commit()
            finally:
                thread.join(timeout=120)
        self.assertFalse(errors, f"the second run failed: {errors}")
        self.assertEqual(sorted(found), sorted(created.ids), "it read the first's")

    def test_a_run_just_behind_another_reads_the_followups_it_created(self):
        """The other run created the follow-ups and committed after this run
        took its snapshot: this run reads them afresh, inserts nothing."""
        new = self.first_time_customers(5)
        with self.registry.cursor() as behind_cr, self.registry.cursor() as first_cr:
            behind = self.env_of(behind_cr)
            company = behind.ref("base.main_company")  # its snapshot, from now
            first = self.env_of(first_cr)
            created = first["debt.recovery.run"]._ensure_followups(
                list(first["res.partner"].browse(new.ids)), company.with_env(first)
            )
            first_cr.commit()
            with (
                self.assertNoLogs(level="ERROR"),
                self.assertNoLogs(debt_recovery_run_followups.__name__, "INFO"),
            ):
                found = (
                    behind["debt.recovery.run"]
                    ._as_scheduled_run()
                    ._ensure_followups(
                        list(behind["res.partner"].browse(new.ids)), company
                    )
                )
            self.assertEqual(sorted(found.ids), sorted(created.ids))

    def assert_retried_behind_a_run(self, request):
        """``request(env, company, partner ids)``, begun before a run created
        and committed those new customers' follow-ups, fails on them once:
        Odoo's ``retrying`` runs it again, and it returns the run's
        follow-ups; no error is logged."""
        new = self.first_time_customers(2)
        with self.registry.cursor() as user_cr, self.registry.cursor() as run_cr:
            user = self.env_of(user_cr)
            company = user.ref("base.main_company")  # the request's snapshot
            run = self.env_of(run_cr)
            created = (
                run["debt.recovery.run"]
                ._as_scheduled_run()
                ._ensure_followups(
                    list(run["res.partner"].browse(new.ids)), company.with_env(run)
                )
            )
            run_cr.commit()
            attempts = []

            def attempt():
                attempts.append(True)
                return request(user, company, new.ids)

            with (
                self.assertNoLogs(level="ERROR"),
                patch("odoo.service.model.random.uniform", return_value=0.0),
            ):
                found = retrying(attempt, user)
            self.assertEqual(len(attempts), 2, "the request ran again")
            self.assertEqual(sorted(found.ids), sorted(created.ids))

    def test_a_users_action_meeting_a_run_creating_its_followup_is_retried(self):
        """A payment or a logged call needs the customer's follow-up, which a
        run created and committed after the user's request began: the
        request starts again (as after a concurrent update) and reads it."""
        self.assert_retried_behind_a_run(
            lambda env, company, ids: env["debt.recovery.followup"]._for_partners(
                env["res.partner"].browse(ids), company
            )
        )

    def test_a_run_now_behind_a_run_that_created_its_followups_is_retried(self):
        """A manager's "run now" for the whole company, begun before the
        daily run committed the follow-ups it created, starts again and
        reads them."""
        self.assert_retried_behind_a_run(
            lambda env, company, ids: env["debt.recovery.run"]._ensure_followups(
                list(env["res.partner"].browse(ids)), company
            )
        )

    def test_a_request_meeting_a_run_creating_followups_is_told_to_wait(self):
        """A manager's "run now" for the whole company is never committed
        halfway: while the daily run creates the follow-ups it needs, it
        says so at once instead of waiting."""
        new = self.first_time_customers(3)
        with self.registry.cursor() as run_cr, self.registry.cursor() as user_cr:
            run = self.env_of(run_cr)
            company = run.ref("base.main_company")
            run["debt.recovery.run"]._as_scheduled_run()._ensure_followups(
                list(run["res.partner"].browse(new.ids)), company
            )
            user = self.env_of(user_cr)
            with self.assertRaisesRegex(UserError, "try again in a minute"):
                user["debt.recovery.run"]._ensure_followups(
                    list(user["res.partner"].browse(new.ids)), company.with_env(user)
                )
            run_cr.rollback()

    def test_a_batch_still_held_after_the_wait_is_left_to_the_next_run(self):
        """The last ladder pass waits for what another run holds, a while at
        most: the customers still held then are skipped (the next run
        evaluates them), the others of their batch are done."""
        with self.registry.cursor() as holder_cr, self.registry.cursor() as cr:
            env = self.env_of(cr)
            followups = env["debt.recovery.followup"].search(
                [("partner_id", "in", self.ids["partners"][:BATCH])]
            )
            held, free = followups[:2], followups[2:]
            holder_cr.execute(
                "SELECT id FROM debt_recovery_followup WHERE id IN %s FOR UPDATE",
                [tuple(held.ids)],
            )
            today = fields.Date.context_today(env["res.partner"])
            Run = env["debt.recovery.run"]
            with (
                patch.object(debt_recovery_run, "WAIT_FOR_OTHER_RUN", "200ms"),
                self.assertNoLogs(level="ERROR"),
            ):
                done = Run._run_batches(
                    [(env.company, followups.ids)], today, wait=True
                )
            self.assertTrue(done)
            env.invalidate_all()
            self.assertEqual(followups.filtered("last_evaluation_date"), free)
            holder_cr.rollback()  # the other run let go
        with self.registry.cursor() as cr:
            env = self.env_of(cr)
            env["debt.recovery.run"]._cron_daily(batch_size=BATCH)
            levels = env["debt.recovery.interaction"].search(
                [("followup_id", "in", followups.ids), ("event", "=", "level")]
            )
            self.assertEqual(levels.followup_id, followups.with_env(env))
            self.assertEqual(len(levels), len(followups), "one reminder each")

    def wait_for_a_lock_wait(self, cr, kind):
        """Until another connection of this database waits for a lock of
        ``kind`` (PostgreSQL's wait_event)."""
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            cr.execute("SELECT pg_stat_clear_snapshot()")  # read it afresh
            cr.execute(
                "SELECT 1 FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock' AND wait_event = %s "
                "AND pid != pg_backend_pid()",
                [kind],
            )
            if cr.fetchone():
                return
            time.sleep(0.02)
        self.fail("the second run never waited for the first")
