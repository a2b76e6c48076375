from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestTour(HttpCase):
    """In a real browser: worklist → follow-up → promise to pay → history."""

    def test_promise_tour(self):
        company = self.env.ref("base.main_company")
        policy = self.env["debt.recovery.policy"]._default_for_company(company)
        partner = (
            self.env["res.partner"]
            .with_company(company)
            .create({"name": "Tour Payer", "is_company": True})
        )
        self.env["debt.recovery.followup"]._for_partners(partner, company)._write_state(
            {
                "level_id": policy.level_ids.sorted()[:1].id,
                "chased_amount": 1000.0,
                "overdue_amount": 1000.0,
                "priority": 1000.0,
            }
        )
        self.start_tour(
            "/odoo/debt-recovery", "account_debt_recovery_promise_tour", login="admin"
        )
        promise = self.env["debt.recovery.interaction"].search(
            [("partner_id", "=", partner.id), ("outcome", "=", "promise")]
        )
        self.assertEqual(promise.summary, "Will pay by transfer")
        self.assertEqual(promise.promise_state, "open")
        self.assertEqual(str(promise.promise_date), "2099-12-31")
        self.assertEqual(partner.debt_status, "promise")
