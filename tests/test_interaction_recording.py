from datetime import timedelta

from dateutil.relativedelta import relativedelta
from freezegun import freeze_time
from lxml import etree

from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged
from odoo.tools.safe_eval import safe_eval

from .test_interaction_common import InteractionCommon

TODAY = InteractionCommon.TODAY


@tagged("post_install", "-at_install")
class TestInteractionRecording(InteractionCommon):
    """Who logs what, from where: the run, collectors from the
    partner, the invoice and the worklist, and customers' emails."""

    def wizard_form(self, action, user=None):
        wizard_model = self.env[action["res_model"]].with_user(user or self.collector)
        return Form(wizard_model.with_context(**action["context"]))

    @freeze_time(TODAY)
    def test_call_logged_from_the_invoice_shows_on_the_partner_timeline(self):
        invoice = self.invoice(1000.0, self.days_ago(10))
        other = self.invoice(300.0, self.days_ago(5))
        action = invoice.with_user(self.collector).action_debt_log_interaction()
        with self.wizard_form(action) as wizard:
            self.assertEqual(wizard.partner_id, self.customer)
            self.assertEqual(wizard.invoice_ids.ids, invoice.ids)
            self.assertEqual(
                wizard.amount_due, 1300.0, "overdue amount of the customer"
            )
            wizard.outcome = "left_message"
            wizard.summary = "Left a message with the receptionist"
        wizard.record.action_log()

        entry = self.interactions(outcome="left_message")
        self.assertRecordValues(
            entry,
            [
                {
                    "invoice_ids": invoice.ids,
                    "user_id": self.collector.id,
                    "channel": "phone",
                    "direction": "outbound",
                    "amount_due": 1300.0,
                    "automated": False,
                    "event": "manual",
                }
            ],
        )
        partner_form = Form(self.customer)
        self.assertIn(entry, partner_form.debt_interaction_ids)
        self.assertEqual(partner_form.debt_interaction_count, 1)
        self.assertEqual(invoice.debt_interaction_count, 1)
        self.assertEqual(other.debt_interaction_count, 0)
        smart_button = invoice.action_debt_interactions()
        self.assertEqual(entry.search(smart_button["domain"]), entry)
        smart_button = self.customer.action_debt_interactions()
        self.assertEqual(entry.search(smart_button["domain"]), entry)

    @freeze_time(TODAY)
    def test_manual_entry_records_the_level_and_amount_at_the_time(self):
        self.invoice(1000.0, self.days_ago(10))
        self.run_daily()  # the courteous level is reached
        self.assertEqual(self.state().debt_level_id, self.levels[0])
        entry, _action = self.log(partner_id=self.contact.id, outcome="no_answer")
        self.assertEqual(entry.partner_id, self.customer, "logged on the company")
        self.assertEqual(entry.level_id, self.levels[0])
        self.assertEqual(entry.amount_due, 1000.0)
        # the run's entries and the manual one, newest first
        self.assertEqual(self.state().debt_interaction_ids[0], entry)
        self.assertEqual(
            self.state().debt_interaction_ids[1:].mapped("automated"), [True]
        )

    def test_log_from_the_partner_and_from_the_worklist(self):
        action = self.contact.with_user(self.collector).action_debt_log_interaction()
        self.assertEqual(action["context"]["default_partner_id"], self.customer.id)
        wizard_model = self.env["debt.recovery.log.wizard"].with_user(self.collector)
        # Action menu of the worklist (a list of customers)
        defaults = wizard_model.with_context(
            active_model="res.partner", active_ids=self.customer.ids
        ).default_get(["partner_id"])
        self.assertEqual(defaults["partner_id"], self.customer.id)
        other = self.env["res.partner"].create(
            {"name": "Other Ltd", "is_company": True}
        )
        with self.assertRaises(UserError):
            wizard_model.with_context(
                active_model="res.partner", active_ids=[self.customer.id, other.id]
            ).default_get(["partner_id"])
        worklist = self.env.ref("account_debt_recovery.debt_recovery_log_wizard_action")
        self.assertEqual(worklist.binding_model_id.model, "res.partner")

    @freeze_time(TODAY)
    def test_customer_email_reply_becomes_an_inbound_interaction(self):
        self.invoice(1000.0, self.days_ago(10))
        self.run_daily()
        reminder = self.interactions(event="level").mail_message_id
        self.assertTrue(reminder, "the courteous level sent an email")
        self.env["mail.thread"].message_process(
            None,
            f"""From: Ann Accounts <ann@example.com>
To: accounts@company.example.com
Subject: Re: {reminder.subject}
Message-ID: <reply-to-reminder@example.com>
In-Reply-To: {reminder.message_id}
References: {reminder.message_id}
Content-Type: text/plain; charset=utf-8

Sorry for the delay, we will pay everything next Friday.
""",
        )
        reply = self.env["mail.message"].search(
            [("message_id", "=", "<reply-to-reminder@example.com>")]
        )
        self.assertEqual(
            (reply.model, reply.res_id, reply.message_type),
            ("debt.recovery.followup", self.followup().id, "email"),
            "the reply lands on the customer's debt-recovery thread",
        )
        action = self.customer.with_user(self.collector).action_debt_log_email()
        with self.wizard_form(action) as wizard:
            self.assertIn(reply, wizard.available_message_ids)
            wizard.mail_message_id = reply
            self.assertEqual(wizard.summary, f"Re: {reminder.subject}")
            wizard.outcome = "promise"
            wizard.promise_date = TODAY + timedelta(days=4)
        wizard.record.action_log()

        entry = self.interactions(outcome="promise")
        self.assertEqual(entry.mail_message_id, reply)
        self.assertEqual((entry.channel, entry.direction), ("email", "inbound"))
        self.assertIn("next Friday", str(entry.notes))
        self.assertEqual(entry.promise_state, "open")
        with self.wizard_form(action) as wizard:
            self.assertNotIn(reply, wizard.available_message_ids, "logged once only")
            wizard.outcome = "other"
            wizard.summary = "Nothing more to log"

    @freeze_time(TODAY)
    def test_manual_outbound_contacts_count_towards_spacing(self):
        self.policy.min_days_between_contacts = 7
        called = self.env["res.partner"].create(
            {"name": "Called Ltd", "is_company": True, "email": "called@example.com"}
        )
        self.invoice(1000.0, self.days_ago(30))
        self.invoice(500.0, self.days_ago(30), partner=called)
        self.log(channel="phone", direction="inbound", outcome="other")
        self.log(partner_id=called.id, channel="phone", outcome="no_answer")
        self.run_daily()
        self.assertEqual(
            self.state().debt_level_id, self.levels[0], "inbound calls do not count"
        )
        partner = self.state(called)
        self.assertFalse(partner.debt_level_id, "called today: no reminder today")
        self.assertEqual(partner.debt_next_action_date, TODAY + timedelta(days=7))
        with freeze_time(TODAY + timedelta(days=7)):
            self.run_daily()
        self.assertEqual(self.state(called).debt_level_id, self.levels[0])

    def test_collectors_cannot_forge_automated_entries(self):
        entry_model = self.env["debt.recovery.interaction"].with_user(self.collector)
        for forged in ({"automated": True}, {"event": "promise_kept"}):
            with self.assertRaises(UserError):
                entry_model.create(
                    {"partner_id": self.customer.id, "summary": "Forged", **forged}
                )

    @freeze_time(TODAY)
    def test_promise_date_in_the_past_is_refused(self):
        with self.assertRaises(ValidationError):
            self.log(outcome="promise", promise_date=TODAY - timedelta(days=1))
        with self.assertRaises(ValidationError):
            self.log(outcome="promise")

    def test_views_and_search_filters(self):
        entry_model = self.env["debt.recovery.interaction"]
        views = entry_model.get_views(
            [
                (False, view)
                for view in ("list", "form", "calendar", "pivot", "graph", "search")
            ],
            {"load_filters": True},
        )
        self.assertEqual(
            set(views["views"]),
            {"list", "form", "calendar", "pivot", "graph", "search"},
        )
        search = etree.fromstring(
            self.env.ref(
                "account_debt_recovery.debt_recovery_interaction_view_search"
            ).arch
        )

        def domain(name, today):
            expression = search.xpath(f"//filter[@name='{name}']")[0].get("domain")
            return safe_eval(
                expression,
                {
                    "uid": self.collector.id,
                    "context_today": lambda: today,
                    "relativedelta": relativedelta,
                },
            )

        wednesday = TODAY + timedelta(days=2)  # 2026-03-02 is a Monday
        self.assertEqual(domain("this_week", wednesday), [("date", ">=", "2026-03-02")])
        self.assertEqual(domain("this_week", TODAY), [("date", ">=", "2026-03-02")])
        with freeze_time(TODAY):
            mine, _action = self.log(outcome="promise", promise_date=TODAY)
            later, _action = self.log(outcome="other", user=self.manager)
        found = entry_model.search(
            [("partner_id", "=", self.customer.id), *domain("my", TODAY)]
        )
        self.assertEqual(found, mine)
        due = domain("promises_due", TODAY + timedelta(days=1))
        self.assertEqual(entry_model.search(due), mine)
        self.assertFalse(
            entry_model.search(domain("promises_due", TODAY - timedelta(days=1)))
        )
        groups = entry_model._read_group(
            [("partner_id", "=", self.customer.id)], ["outcome", "user_id"], ["__count"]
        )
        self.assertEqual(len(groups), 2)
        self.assertTrue(later)
