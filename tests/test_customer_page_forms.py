import base64
from datetime import timedelta

from odoo import fields
from odoo.tests import tagged
from odoo.tools import mute_logger

from .portal_common import CustomerPageCommon


@tagged("post_install", "-at_install")
class TestCustomerPageForms(CustomerPageCommon):
    """The forms of the customer's page, posted as an anonymous visitor:
    each has the effect a collector's entry has; forged (CSRF), replayed
    and bad posts are refused and write nothing."""

    def promise_values(self, days=10, amount=""):
        return {
            "promise_date": fields.Date.to_string(self.TODAY + timedelta(days=days)),
            "promise_amount": amount,
        }

    def assert_nothing_written(self, response, message=None):
        self.assertEqual(response.status_code, 400)
        if message:
            self.assertIn(message, response.text)
        self.assertFalse(self.portal_interactions())
        self.assertFalse(self.followup_record.plan_ids)

    # ------------------------------------------------------------------
    # I will pay on...
    # ------------------------------------------------------------------
    def test_promise_is_a_promise_to_pay(self):
        response = self.post(
            "promise", "o_debt_recovery_promise_form", self.promise_values(10, "500")
        )
        self.assertEqual(response.status_code, 303)
        promise = self.portal_interactions(outcome="promise")
        self.assertEqual(len(promise), 1)
        self.assertEqual(promise.promise_state, "open")
        self.assertEqual(promise.promise_date, self.TODAY + timedelta(days=10))
        self.assertEqual(promise.promise_amount, 500.0)
        self.assertFalse(promise.is_system_entry, "logged as a collector logs it")
        self.assertEqual(self.followup_record.status, "promise")
        self.assertEqual(
            self.followup_record.next_action_date, self.TODAY + timedelta(days=10)
        )
        # confirmed on the page and by email
        page = self.url_open(response.headers["Location"])
        self.assertIn("Thank you, noted", page.text)
        mail = self.env["mail.mail"].search(
            [("mail_message_id", "=", promise.mail_message_id.id)]
        )
        self.assertEqual(len(mail), 1)
        self.assertIn("you will pay", mail.body_html)
        self.assertEqual(
            (mail.model, mail.res_id),
            (self.followup_record._name, self.followup_record.id),
            "threaded on the follow-up: a reply to it reaches the collector",
        )

    def test_promise_beyond_the_horizon_is_refused(self):
        response = self.post(
            "promise", "o_debt_recovery_promise_form", self.promise_values(31)
        )
        self.assert_nothing_written(response, "Choose a day between today and")
        self.assertIn(self.overdue.name, response.text, "the page, with the message")

    def test_promise_in_the_past_or_negative_is_refused(self):
        for values, message in (
            (self.promise_values(-1), "Choose a day between today and"),
            (self.promise_values(5, "-10"), "cannot be negative"),
            (self.promise_values(5, "abc"), "as a number"),
            (self.promise_values(5, "99999"), "more than what is due"),
            ({"promise_date": "not a date"}, "Choose the day you will pay on"),
        ):
            with self.subTest(values=values):
                response = self.post("promise", "o_debt_recovery_promise_form", values)
                self.assert_nothing_written(response, message)

    # ------------------------------------------------------------------
    # Forged and replayed posts
    # ------------------------------------------------------------------
    @mute_logger("odoo.http")
    def test_post_without_csrf_token_is_refused(self):
        tokens = self.form_fields(self.page().text, "o_debt_recovery_promise_form")
        tokens.pop("csrf_token")
        response = self.post(
            "promise",
            "o_debt_recovery_promise_form",
            self.promise_values(),
            tokens=tokens,
        )
        self.assertEqual(response.status_code, 400)
        self.assertFalse(self.portal_interactions())

    def test_form_sent_twice_is_recorded_once(self):
        tokens = self.form_fields(self.page().text, "o_debt_recovery_promise_form")
        first = self.post(
            "promise",
            "o_debt_recovery_promise_form",
            self.promise_values(),
            tokens=tokens,
        )
        self.assertEqual(first.status_code, 303)
        again = self.post(
            "promise",
            "o_debt_recovery_promise_form",
            self.promise_values(),
            tokens=tokens,
        )
        self.assertEqual(again.status_code, 400)
        self.assertIn("already sent", again.text)
        self.assertEqual(len(self.portal_interactions()), 1)

    def test_forged_form_token_is_refused(self):
        tokens = self.form_fields(self.page().text, "o_debt_recovery_promise_form")
        tokens["form_token"] = tokens["form_token"][:-4] + "abcd"
        response = self.post(
            "promise",
            "o_debt_recovery_promise_form",
            self.promise_values(),
            tokens=tokens,
        )
        self.assert_nothing_written(response, "not valid any more")

    def test_post_with_a_wrong_link_gets_the_plain_page(self):
        tokens = self.form_fields(self.page().text, "o_debt_recovery_promise_form")
        tokens["access_token"] = "wrong"
        response = self.post(
            "promise",
            "o_debt_recovery_promise_form",
            self.promise_values(),
            tokens=tokens,
        )
        self.assertEqual(response.status_code, 403)
        self.assertIn("This link is no longer valid", response.text)
        self.assertNotIn(self.overdue.name, response.text)
        self.assertFalse(self.portal_interactions())

    # ------------------------------------------------------------------
    # Propose a payment plan
    # ------------------------------------------------------------------
    def plan_values(self, count, days=0, frequency="monthly"):
        return {
            "instalment_count": str(count),
            "date_start": fields.Date.to_string(self.TODAY + timedelta(days=days)),
            "frequency": frequency,
        }

    def test_plan_schedule_is_computed_with_the_plans_rule(self):
        self.link()
        url = f"{self.followup_record.access_url}/plan/schedule"
        result = self.make_jsonrpc_request(
            url,
            {
                "access_token": self.followup_record.access_token,
                "instalment_count": "4",
                "date_start": fields.Date.to_string(self.TODAY),
                "frequency": "monthly",
            },
        )
        self.assertEqual(len(result["lines"]), 4)
        self.assertEqual(result["lines"][0]["amount"], "$\xa0375.00")
        self.assertFalse(result["auto_accept"])
        result = self.make_jsonrpc_request(
            url,
            {
                "access_token": "wrong",
                "instalment_count": "2",
                "date_start": fields.Date.to_string(self.TODAY),
                "frequency": "monthly",
            },
        )
        self.assertEqual(result, {"error": "This link is no longer valid."})

    def test_plan_within_auto_accept_is_active_with_its_agreement(self):
        response = self.post(
            "plan", "o_debt_recovery_plan_form", self.plan_values(2, 5)
        )
        self.assertEqual(response.status_code, 303)
        plan = self.followup_record.plan_ids
        self.assertEqual(plan.state, "active")
        self.assertEqual(plan.invoice_ids, self.overdue | self.overdue_2)
        self.assertEqual(plan.instalment_ids.mapped("amount"), [750.0, 750.0])
        interaction = self.portal_interactions(outcome="plan")
        self.assertEqual(plan.interaction_id, interaction)
        self.assertTrue(self.interactions(event="plan_activated"))
        self.assertEqual(self.followup_record.status, "plan")
        agreement = self.env["mail.mail"].search(
            [
                ("mail_message_id", "=", interaction.mail_message_id.id),
                ("recipient_ids", "in", self.customer.ids),
            ]
        )
        self.assertEqual(len(agreement), 1)
        self.assertTrue(agreement.attachment_ids, "the agreement PDF")

    def test_plan_beyond_auto_accept_waits_for_a_collector(self):
        response = self.post("plan", "o_debt_recovery_plan_form", self.plan_values(5))
        self.assertEqual(response.status_code, 303)
        plan = self.followup_record.plan_ids
        self.assertEqual(plan.state, "draft")
        self.assertEqual(plan.proposal_hold_until, self.TODAY + timedelta(days=5))
        activity = plan.activity_ids
        self.assertEqual(activity.user_id, self.collector)
        self.assertEqual(self.followup_record.status, "promise", "holds like a promise")
        self.run_daily()
        self.assertFalse(self.reminders(), "no reminder while the proposal waits")
        self.assertEqual(
            self.followup_record.next_action_date, self.TODAY + timedelta(days=5)
        )
        # the collector activates it: the plan takes over
        plan.with_user(self.env.user).action_activate()
        self.assertEqual(self.followup_record.status, "plan")

    def test_plan_proposal_stops_holding_after_its_days(self):
        self.post("plan", "o_debt_recovery_plan_form", self.plan_values(5))
        plan = self.followup_record.plan_ids
        self.env["debt.recovery.plan"]._end_proposal_holds(
            self.TODAY + timedelta(days=6)
        )
        self.assertFalse(plan.proposal_hold_until)
        self.assertEqual(plan.state, "draft", "still there for the collector")
        self.assertTrue(self.interactions(event="proposal_hold_ended"))
        self.assertEqual(self.followup_record.status, "overdue")

    def test_plan_outside_the_limits_is_refused(self):
        self.policy.write(
            {"portal_plan_min_instalment": 400.0, "portal_plan_max_days": 120}
        )
        for values, message in (
            (self.plan_values(7), "Choose between 1 and 6 instalments"),
            (self.plan_values(0), "Choose between 1 and 6 instalments"),
            (self.plan_values(2, 31), "between today and"),
            (self.plan_values(2, -1), "between today and"),
            (self.plan_values(6, 30, "monthly"), "a plan ends by"),
            (self.plan_values(4), "at least"),
            (self.plan_values(2, 0, "yearly"), "how often"),
            ({"instalment_count": "two"}, "number of instalments"),
        ):
            with self.subTest(values=values):
                response = self.post("plan", "o_debt_recovery_plan_form", values)
                self.assert_nothing_written(response, message)

    # ------------------------------------------------------------------
    # Something is wrong
    # ------------------------------------------------------------------
    def test_dispute_with_attachment(self):
        reason = self.env["debt.recovery.dispute.reason"]._for_company(self.company)[1]
        response = self.post(
            "dispute",
            "o_debt_recovery_dispute_form",
            {
                "invoice_ids": [str(self.overdue.id)],
                "reason_id": str(reason.id),
                "comment": "The pallet arrived broken.",
            },
            files={"attachment": ("photo.txt", b"a broken pallet", "text/plain")},
        )
        self.assertEqual(response.status_code, 303)
        dispute = self.portal_interactions(outcome="dispute")
        self.assertEqual(dispute.dispute_state, "open")
        self.assertEqual(dispute.dispute_reason_id, reason)
        self.assertIn("The pallet arrived broken.", dispute.dispute_reason)
        self.assertTrue(self.overdue.debt_disputed)
        self.assertFalse(self.overdue_2.debt_disputed)
        attachment = self.env["ir.attachment"].search(
            [("res_model", "=", dispute._name), ("res_id", "=", dispute.id)]
        )
        self.assertEqual(base64.b64decode(attachment.datas), b"a broken pallet")
        self.assertIn(attachment, dispute.message_ids.attachment_ids)
        activity = self.followup_record.activity_ids.filtered(
            lambda a: a.summary == "Customer disputes invoices"
        )
        self.assertEqual(activity.user_id, self.collector)
        self.followup_record._refresh_figures()
        self.assertEqual(self.followup_record.chased_amount, 300.0)

    def test_a_disputes_comment_reaches_the_collector_as_text(self):
        """What the customer writes is text in the collector's activity,
        never HTML of the back end (a link, an image)."""
        reason = self.env["debt.recovery.dispute.reason"]._for_company(self.company)[1]
        comment = '<a href="https://evil.example/pay">Pay here</a><img src="x.png">'
        response = self.post(
            "dispute",
            "o_debt_recovery_dispute_form",
            {
                "invoice_ids": [str(self.overdue.id)],
                "reason_id": str(reason.id),
                "comment": comment,
            },
        )
        self.assertEqual(response.status_code, 303)
        activity = self.followup_record.activity_ids.filtered(
            lambda a: a.summary == "Customer disputes invoices"
        )
        self.assertNotIn("<a ", str(activity.note))
        self.assertNotIn("<img", str(activity.note))
        self.assertIn("&lt;a href=", str(activity.note), "shown as the text it is")

    def test_dispute_needs_own_invoices_and_a_reason(self):
        other = self.env["res.partner"].create({"name": "Other Customer"})
        other_invoice = self.invoice(99.0, self.days_ago(5), partner=other)
        reason = self.env["debt.recovery.dispute.reason"]._for_company(self.company)[0]
        for values, message in (
            ({"reason_id": str(reason.id)}, "Choose the invoices concerned"),
            (
                {"invoice_ids": [str(other_invoice.id)], "reason_id": str(reason.id)},
                "Choose among your open invoices",
            ),
            ({"invoice_ids": [str(self.overdue.id)]}, "Choose what is wrong"),
        ):
            with self.subTest(values=values):
                response = self.post("dispute", "o_debt_recovery_dispute_form", values)
                self.assert_nothing_written(response, message)
        self.assertFalse(other_invoice.debt_disputed)

    # ------------------------------------------------------------------
    # Pay now (the form itself; the payment runs in the tours)
    # ------------------------------------------------------------------
    def test_pay_page_refuses_other_invoices(self):
        other = self.env["res.partner"].create({"name": "Other Payer"})
        other_invoice = self.invoice(99.0, self.days_ago(5), partner=other)
        url = self.link() + f"&invoice_ids={other_invoice.id}"
        url = url.replace("?", "/pay?", 1)
        response = self.url_open(url)
        self.assertEqual(response.status_code, 400)
        self.assertIn("cannot be paid online", response.text)
        self.assertNotIn("Other Payer", response.text)
