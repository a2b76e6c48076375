"""What only the system records cannot be forged by a collector through RPC:
context defaults (applied after the values are checked), the fields Odoo
computes, the links of a log entry to an email, a letter or its recipients."""

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .plan_common import PlanCommon


@tagged("post_install", "-at_install")
class TestForgedRecords(PlanCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.overdue = cls.invoice(1000.0, cls.days_ago(20))
        cls.other_customer = cls.env["res.partner"].create({"name": "Other Ltd"})
        cls.other_invoice = cls.invoice(
            500.0, cls.days_ago(20), partner=cls.other_customer
        )

    def as_collector(self, model):
        return self.env[model].with_user(self.collector)

    def manual_values(self, **values):
        return {
            "partner_id": self.customer.id,
            "channel": "phone",
            "direction": "outbound",
            "summary": "Called the customer",
            **values,
        }

    def test_a_context_default_makes_no_system_entry(self):
        Interaction = self.as_collector("debt.recovery.interaction")
        for key, value in (
            ("default_automated", True),
            ("default_event", "level"),
            ("default_dispute_state", "open"),
            ("default_delivery_failed", True),
            ("default_letter_state", "to_print"),
        ):
            with self.subTest(key=key):
                entry = Interaction.with_context(**{key: value}).create(
                    self.manual_values()
                )
                self.assertFalse(entry.is_system_entry)
                self.assertFalse(entry.automated)
                self.assertEqual(entry.event, "manual")
                self.assertFalse(entry.dispute_state)
                self.assertFalse(entry.delivery_failed)
                self.assertFalse(entry.letter_state)

    def test_a_manual_entry_carries_no_letter_recipients_or_foreign_email(self):
        Interaction = self.as_collector("debt.recovery.interaction")
        letter = self.env["ir.attachment"].create(
            {"name": "forged.pdf", "raw": b"%PDF forged"}
        )
        entry = Interaction.create(
            self.manual_values(
                letter_state="to_print",
                letter_attachment_id=letter.id,
                recipient_ids=[(6, 0, self.other_customer.ids)],
                resolved_invoice_ids=[(6, 0, self.overdue.ids)],
            )
        )
        self.assertFalse(entry.letter_state)
        self.assertFalse(entry.letter_attachment_id)
        self.assertFalse(entry.recipient_ids)
        self.assertFalse(entry.resolved_invoice_ids)
        other_followup = self.env["debt.recovery.followup"]._for_partners(
            self.other_customer
        )
        foreign = other_followup.message_post(body="Not this customer's")
        with self.assertRaisesRegex(UserError, "not one of"):
            Interaction.create(self.manual_values(mail_message_id=foreign.id))

    def test_a_context_default_activates_no_plan(self):
        Plan = self.as_collector("debt.recovery.plan")
        plan = Plan.with_context(default_state="active").create(
            {"partner_id": self.customer.id, "invoice_ids": [(6, 0, self.overdue.ids)]}
        )
        self.assertEqual(plan.state, "draft")
        self.assertFalse(self.overdue.debt_plan_id, "still on the ladder")

    def test_what_a_plan_computes_is_not_written_by_hand(self):
        plan = self.make_plan(self.overdue, count=2)
        as_collector = plan.with_user(self.collector)
        followup = self.env["debt.recovery.followup"]._for_partners(self.other_customer)
        for values, message in (
            ({"amount_residual": 0.0}, "not written by hand"),
            ({"amount_total": 1.0}, "not written by hand"),
            ({"followup_id": followup.id}, "changes only through its actions"),
        ):
            with self.subTest(values=values):
                with self.assertRaisesRegex(AccessError, message):
                    as_collector.write(values)
        instalment = plan.instalment_ids[:1].with_user(self.collector)
        for values in ({"amount_paid": 500.0}, {"state": "paid"}):
            with self.subTest(values=values):
                with self.assertRaisesRegex(AccessError, "not written by hand"):
                    instalment.write(values)
        self.assertEqual(plan.amount_residual, 1000.0)
        self.assertEqual(plan.instalment_ids.mapped("amount_paid"), [0.0, 0.0])

    def test_a_draft_plan_moves_only_to_a_company_of_the_user(self):
        company_b = self.setup_other_company(name="Company B")["company"]
        plan = self.as_collector("debt.recovery.plan").create(
            {"partner_id": self.customer.id, "invoice_ids": [(6, 0, self.overdue.ids)]}
        )
        with self.assertRaisesRegex(AccessError, "only to a company you work in"):
            plan.write({"company_id": company_b.id})
        self.assertEqual(plan.company_id, self.company)
