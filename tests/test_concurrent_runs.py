"""Two daily runs at once, for real: two database connections, outside the
cron's own lock, on committed data. Nobody is contacted twice and both runs
finish. The data is made and removed by the test itself."""

import threading
from datetime import timedelta

from odoo import SUPERUSER_ID, api, fields
from odoo.modules.registry import Registry
from odoo.tests import BaseCase, get_db_name, tagged

from odoo.addons.base.models.ir_model import MODULE_UNINSTALL_FLAG

CUSTOMERS = 60
BATCH = 7


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
                        )
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
                    for index in range(CUSTOMERS)
                ]
            )
            today = fields.Date.context_today(env["res.partner"])
            invoices = env["account.move"].create(
                [
                    {
                        "move_type": "out_invoice",
                        "partner_id": partner.id,
                        "journal_id": journal.id,
                        "invoice_date": today - timedelta(days=40),
                        "invoice_date_due": today - timedelta(days=10),
                        "invoice_line_ids": [
                            fields.Command.create(
                                {"name": "Goods", "price_unit": 100.0, "tax_ids": []}
                            )
                        ],
                    }
                    for partner in partners
                ]
            )
            invoices.action_post()
            env["debt.recovery.followup"]._for_partners(partners, company)._set_policy(
                policy
            )
            self.ids = {
                "policy": policy.id,
                "partners": partners.ids,
                "invoices": invoices.ids,
            }
        self.addCleanup(self.remove_data)

    def remove_data(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {MODULE_UNINSTALL_FLAG: True})
            partners = env["res.partner"].browse(self.ids["partners"])
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

    def run_in_thread(self, barrier, errors):
        try:
            with self.registry.cursor() as cr:
                env = self.env_of(cr)
                barrier.wait(timeout=30)
                env["debt.recovery.run"]._cron_daily(batch_size=BATCH)
        except Exception as error:  # noqa: BLE001 - reported by the test
            errors.append(error)

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
