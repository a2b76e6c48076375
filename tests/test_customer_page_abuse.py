from datetime import timedelta

from odoo import fields
from odoo.tests import JsonRpcException, tagged
from odoo.tools import mute_logger

from .portal_common import CustomerPageCommon


@tagged("post_install", "-at_install")
class TestCustomerPageAbuse(CustomerPageCommon):
    """What the holder of a link may not do: read or write the company's
    discussion of the customer, hold the ladder for ever with promises,
    agree a plan alone when a person handles the customer, keep the
    invoices after the link is revoked, or break the page with bad input."""

    def promise(self, days=10, amount="", form_class="o_debt_recovery_promise_form"):
        """Post a promise; ``form_class``: the form whose hidden tokens are
        sent (another one when the page offers no promise form: a forged
        post)."""
        return self.post(
            "promise",
            form_class,
            {
                "promise_date": fields.Date.to_string(
                    self.TODAY + timedelta(days=days)
                ),
                "promise_amount": amount,
            },
        )

    def propose_plan(self, count=2):
        return self.post(
            "plan",
            "o_debt_recovery_plan_form",
            {
                "instalment_count": str(count),
                "date_start": fields.Date.to_string(self.TODAY + timedelta(days=5)),
                "frequency": "monthly",
            },
        )

    # ------------------------------------------------------------------
    def test_the_link_opens_no_discussion_thread(self):
        followup = self.followup_record
        followup.message_post(
            body="Lawyer ready if they do not pay",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        token = self.link().split("access_token=")[1]
        thread = {
            "thread_model": followup._name,
            "thread_id": followup.id,
            "token": token,
        }
        messages = followup.message_ids
        with mute_logger("odoo.http"):
            with self.assertRaises(JsonRpcException):
                self.make_jsonrpc_request("/mail/chatter_fetch", thread)
            with self.assertRaises(JsonRpcException):
                self.make_jsonrpc_request(
                    "/mail/message/post",
                    {
                        **thread,
                        "post_data": {"body": "spoofed", "message_type": "comment"},
                    },
                )
        followup.invalidate_recordset()
        self.assertEqual(followup.message_ids, messages, "nothing posted")

    def test_a_customer_promises_alone_once(self):
        self.assertEqual(self.promise(10).status_code, 303)
        response = self.promise(20, form_class="o_debt_recovery_plan_form")
        self.assertEqual(response.status_code, 400)
        self.assertIn("You have already promised to pay on", response.text)
        promises = self.portal_interactions(outcome="promise")
        self.assertEqual(len(promises), 1, "the first promise stands")
        page = self.page().text
        self.assertNotIn("o_debt_recovery_promise_form", page, "no form offered")
        self.assertIn("You have already promised to pay on", page)
        self.assertEqual(promises.promise_state, "open")

    def test_after_a_broken_promise_the_next_is_agreed_with_a_collector(self):
        self.assertEqual(self.promise(1).status_code, 303)
        promise = self.portal_interactions(outcome="promise")
        promise._debt_system_write({"promise_state": "broken"})
        response = self.promise(10, form_class="o_debt_recovery_plan_form")
        self.assertEqual(response.status_code, 400)
        self.assertIn("was not kept", response.text)

    def test_an_escalated_or_excluded_customer_agrees_nothing_alone(self):
        self.followup_record._write_state({"escalation_state": "proposed"})
        response = self.promise(10, form_class="o_debt_recovery_plan_form")
        self.assertEqual(response.status_code, 400)
        self.assertIn("Please contact us", response.text)
        self.assertEqual(self.propose_plan(2).status_code, 303)
        plan = self.followup_record.plan_ids
        self.assertEqual(plan.state, "draft", "within auto-accept, yet a draft")
        self.assertTrue(plan.activity_ids, "the collector decides")

    def test_revoking_the_link_closes_its_invoices(self):
        page = self.page().text
        pdf_url = f"{self.followup_record.access_url}/invoice/{self.overdue.id}"
        self.assertIn(pdf_url, page)
        self.assertFalse(self.overdue.access_token, "no token of the invoice itself")
        url = self.link().replace(self.followup_record.access_url, pdf_url, 1)
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers["Content-Type"], "application/pdf")
        # another customer's invoice through this link: the plain page
        other = self.env["res.partner"].create({"name": "Zebulon Other Ltd"})
        other_invoice = self.invoice(80.0, self.days_ago(20), partner=other)
        stranger = url.replace(
            f"/invoice/{self.overdue.id}", f"/invoice/{other_invoice.id}"
        )
        self.assertEqual(self.url_open(stranger).status_code, 403)
        self.followup_record.action_portal_revoke()
        self.assertEqual(self.url_open(url).status_code, 403, "closed with the link")

    def test_amounts_that_are_no_numbers_are_refused(self):
        for amount in ("nan", "inf", "1e400", "-inf"):
            response = self.promise(10, amount)
            self.assertEqual(response.status_code, 400, amount)
            self.assertIn("Write the amount as a number", response.text)
        self.assertFalse(self.portal_interactions())

    def test_amounts_beyond_any_balance_or_rounding_to_nothing_are_refused(self):
        for amount, message in (
            ("1e308", "Write the amount as a number"),
            ("0.001", "leave it empty to pay everything"),
            ("0", "leave it empty to pay everything"),
        ):
            response = self.promise(10, amount)
            self.assertEqual(response.status_code, 400, amount)
            self.assertIn(message, response.text)
        self.assertFalse(self.portal_interactions())

    def test_nothing_overdue_left_is_not_promised(self):
        self.pay(self.overdue)
        self.pay(self.overdue_2)
        response = self.promise(10)
        self.assertEqual(response.status_code, 400)
        self.assertIn("Nothing overdue is left to promise", response.text)
        self.assertFalse(self.portal_interactions())

    def test_an_infinite_number_of_instalments_is_refused_in_words(self):
        url = f"{self.followup_record.access_url}/plan/schedule"
        token = self.link().split("access_token=")[1]
        # JSON as Python reads it: "Infinity" is a number there
        body = (
            '{"jsonrpc": "2.0", "method": "call", "id": 1, "params": '
            f'{{"access_token": "{token}", "instalment_count": Infinity, '
            f'"date_start": "{fields.Date.to_string(self.TODAY)}", '
            '"frequency": "monthly"}}'
        )
        response = self.url_open(
            url, data=body, headers={"Content-Type": "application/json"}
        )
        self.assertEqual(
            response.json().get("result"),
            {"error": "Choose the number of instalments."},
            "no traceback for the visitor",
        )

    def test_the_schedule_refuses_bad_types_in_words(self):
        url = f"{self.followup_record.access_url}/plan/schedule"
        token = self.link().split("access_token=")[1]
        for frequency in ([], {"a": 1}, 3):
            result = self.make_jsonrpc_request(
                url,
                {
                    "access_token": token,
                    "instalment_count": 2,
                    "date_start": fields.Date.to_string(self.TODAY),
                    "frequency": frequency,
                },
            )
            self.assertEqual(result, {"error": "Choose how often you will pay."})

    def test_a_reply_to_a_confirmation_reaches_the_collector(self):
        self.assertEqual(self.promise(10).status_code, 303)
        confirmation = self.portal_interactions(outcome="promise").mail_message_id
        self.env["mail.thread"].message_process(
            None,
            f"""From: {self.customer.name} <{self.customer.email}>
To: catchall@company.example.com
Subject: Re: {confirmation.subject}
Message-ID: <confirmation-reply@example.com>
In-Reply-To: {confirmation.message_id}
References: {confirmation.message_id}
Content-Type: text/plain; charset=utf-8

Sorry, I meant the 15th.
""",
        )
        reply = self.interactions(event="reply")
        self.assertEqual(len(reply), 1, "logged on the customer's follow-up")
        self.assertTrue(self.followup_record.reply_pending_since, "it holds the ladder")
