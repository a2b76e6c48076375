from freezegun import freeze_time

from odoo.tests import tagged
from odoo.tools import format_amount

from .common import DebtRecoveryCommon

TODAY = DebtRecoveryCommon.TODAY


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestReminderBatch(DebtRecoveryCommon):
    """A batch of reminders is rendered with its template compiled once, from
    figures read for the whole batch: the same emails as rendered one by one,
    for a number of queries that does not grow with the batch."""

    def customers(self, count, prefix="Batch"):
        partners = self.env["res.partner"].create(
            [
                {
                    "name": f"{prefix} customer {index}",
                    "email": f"{prefix.lower()}{index}@example.com",
                    "is_company": True,
                }
                for index in range(count)
            ]
        )
        for partner in partners:
            self.invoice(100.0, self.days_ago(10), partner=partner)
            self.invoice(50.0, self.days_ago(12), partner=partner)
        return self.env["debt.recovery.followup"]._for_partners(partners)

    def test_batch_rendering_equals_rendering_one_by_one(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(
            ["account_debt_recovery"], ["fr_FR"], overwrite=True
        )
        followups = self.customers(3)
        followups[1].partner_id.lang = "fr_FR"
        # amounts with thousands and cents, and a credit, in both languages
        for followup in followups[:2]:
            self.invoice(1234567.891, self.days_ago(11), partner=followup.partner_id)
            self._create_invoice_one_line(
                price_unit=1999.5,
                tax_ids=[],
                partner_id=followup.partner_id.id,
                move_type="out_refund",
                post=True,
            )
        level = self.levels[1]
        template = level.mail_template_id
        documents = followups._document_values(dict.fromkeys(followups, level))
        add_context = {"debt_documents": {f.id: v for f, v in documents.items()}}
        batch = self.env["debt.recovery.batch.render"]._render(
            template, ("subject", "body_html"), followups.ids, add_context
        )
        for followup in followups:
            for name in ("subject", "body_html"):
                alone = template._render_field(
                    name, followup.ids, compute_lang=True, add_context=add_context
                )[followup.id]
                self.assertEqual(
                    str(batch[followup.id][name]).strip(), str(alone).strip(), name
                )
        currency = self.company.currency_id
        for followup, lang in ((followups[0], "en_US"), (followups[1], "fr_FR")):
            self.assertIn(
                format_amount(self.env, 1234567.89, currency, lang),
                batch[followup.id]["body_html"],
            )
        self.assertIn("deuxième rappel", batch[followups[1].id]["subject"])
        self.assertIn("second reminder", batch[followups[0].id]["subject"])

    def test_queries_of_a_batch_stay_flat(self):
        """Deciding, applying, queueing the emails and logging 50 customers
        costs no more queries than 10 (plus a few)."""
        self.set_levels_auto()
        counts = []
        for size, prefix in ((10, "Small"), (50, "Large")):
            followups = self.customers(size, prefix)
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.cr.sql_log_count
            self.env["debt.recovery.run"]._evaluate(followups, TODAY)
            self.env.flush_all()
            counts.append(self.cr.sql_log_count - before)
            self.assertEqual(len(self.mails(followups.partner_id)), size)
        self.assertLessEqual(counts[1], counts[0] + 5, counts)

    def test_reminders_go_to_the_invoice_contacts(self):
        """An invoice-address contact receives the reminder; without one, the
        customer does; the interaction shows who."""
        self.set_levels_auto()
        billing = self.env["res.partner"].create(
            {
                "name": "Accounts Payable",
                "type": "invoice",
                "email": "ap@badpayer.example.com",
                "parent_id": self.customer.id,
            }
        )
        other = self.env["res.partner"].create(
            {"name": "Solo Trader", "email": "solo@example.com"}
        )
        self.invoice(1000.0, self.days_ago(10))
        self.invoice(300.0, self.days_ago(10), partner=other)
        self.run_daily()
        self.assertEqual(self.mails().recipient_ids, billing)
        self.assertEqual(self.mails(other).recipient_ids, other)
        sent = self.interactions(event="level")
        self.assertEqual(sent.recipient_ids, billing)
        self.assertIn("Dear Accounts Payable", str(self.mails().body_html))

    def test_a_level_may_copy_the_collector(self):
        self.set_levels_auto()
        self.levels[0].copy_collector = True
        collector = self.env["res.users"].create(
            {
                "name": "Cora Collector",
                "login": "cora",
                "email": "cora@company.example.com",
            }
        )
        self.set_collector(self.customer, collector)
        self.invoice(1000.0, self.days_ago(10))
        self.run_daily()
        self.assertIn("cora@company.example.com", self.mails().email_cc)
        self.assertEqual(self.mails().recipient_ids, self.customer)

    def test_each_customer_of_a_batch_gets_its_own_page_link(self):
        self.set_levels_auto()
        followups = self.customers(3, "Linked")
        self.env["debt.recovery.run"]._evaluate(followups, TODAY)
        self.env.invalidate_all()
        tokens = followups.mapped("access_token")
        self.assertEqual(len(set(tokens)), 3)
        self.assertTrue(all(tokens))
        for followup in followups:
            self.assertIn(
                f"/my/balance/{followup.id}?access_token={followup.access_token}",
                self.mails(followup.partner_id).body_html,
            )
