from freezegun import freeze_time

from odoo.tests import Form, tagged

from .plan_common import PlanCommon

REPORT = "account_debt_recovery.report_debt_recovery_plan"


@tagged("post_install", "-at_install")
@freeze_time(PlanCommon.TODAY)
class TestPlanDocuments(PlanCommon):
    """The plan agreement (QWeb PDF on the company layout) and its email."""

    def setUp(self):
        super().setUp()
        self.inv = self.invoice(1000.0, self.days_ago(30))
        self.plan = self.make_plan(self.inv, count=3)
        self.plan.notes = "<p>Paid from the spring sales</p>"

    def render(self, plans):
        html, _fmt = self.env["ir.actions.report"]._render_qweb_html(REPORT, plans.ids)
        return html.decode()

    def test_agreement_shows_parties_invoices_schedule_and_signatures(self):
        bank = self.env["res.partner.bank"].create(
            {
                "acc_number": "BE71 0961 2345 6769",
                "partner_id": self.company.partner_id.id,
            }
        )
        html = self.render(self.plan)
        for text in (
            "Payment Plan Agreement",
            self.plan.name,
            self.company.name,
            self.customer.name,
            self.inv.name,
            "333.33",
            "333.34",
            "1,000.00",
            bank.acc_number,
            "How to pay",
            "Paid from the spring sales",
            "Signature",
        ):
            self.assertIn(text, html)
        self.assertIn("more than 5 days after its due date", " ".join(html.split()))

    def test_agreement_prints_entirely_in_the_customer_s_language(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(
            ["account_debt_recovery"], ["fr_FR"], overwrite=True
        )
        self.customer.lang = "fr_FR"
        text = " ".join(self.render(self.plan).split())
        for french in (
            "Accord de plan de paiement",
            "Le client reconnaît devoir",
            "Factures concernées",
            "Échéancier",
            "Comment payer",
            "Signature :",
        ):
            self.assertIn(french, text)
        for english in ("Payment Plan Agreement", "Covered invoices", "How to pay"):
            self.assertNotIn(english, text)

    def test_draft_agreement_is_a_proposal(self):
        draft = self.make_plan(
            self.invoice(400.0, self.days_ago(10)), count=2, activate=False
        )
        self.assertIn("Proposal, not yet in force", self.render(draft))
        self.assertNotIn("Proposal, not yet in force", self.render(self.plan))

    def test_print_and_send_the_agreement(self):
        action = self.plan.with_context(
            discard_logo_check=True
        ).action_print_agreement()
        self.assertEqual(action["report_name"], REPORT)
        action = self.plan.action_send_agreement()
        composer = Form(
            self.env[action["res_model"]].with_context(**action["context"])
        ).save()
        self.assertIn(self.plan.name, composer.subject)
        composer._action_send_mail()
        message = self.plan.message_ids[0]
        self.assertIn(self.customer, message.partner_ids)
        self.assertTrue(message.attachment_ids)
        self.assertIn("Payment plan", message.attachment_ids[0].name)
