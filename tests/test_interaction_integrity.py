from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .test_interaction_common import InteractionCommon

TODAY = InteractionCommon.TODAY


@tagged("post_install", "-at_install")
class TestInteractionIntegrity(InteractionCommon):
    """The log is the evidence file: automated entries cannot be
    changed, manual ones only corrected by a manager, and nothing disappears
    silently."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.invoice_due = cls.invoice(1000.0, cls.days_ago(30))

    def automated_entry(self):
        with freeze_time(TODAY):
            self.run_daily()
        entry = self.interactions(event="level")
        self.assertTrue(entry.automated)
        return entry

    def manual_entry(self, **values):
        with freeze_time(TODAY):
            entry, _action = self.log(
                outcome="left_message", summary="Left a message", **values
            )
        return entry

    def tracked(self, entry, field_name):
        self.flush_tracking()
        return entry.message_ids.tracking_value_ids.filtered(
            lambda value: value.field_id.name == field_name
        )

    # ------------------------------------------------------------------
    # Automated entries
    # ------------------------------------------------------------------
    def test_automated_entries_cannot_be_changed_by_anyone(self):
        entry = self.automated_entry()
        for env in (entry.with_user(self.manager), entry.with_user(self.collector)):
            with self.assertRaises(UserError):
                env.write({"summary": "Nothing was sent"})
        with self.assertRaises(UserError):
            entry.sudo().write({"amount_due": 1.0})
        with self.assertRaises(UserError):
            entry.sudo().write({"automated": False})
        self.assertEqual(entry.amount_due, 1000.0)

    def test_automated_entries_cannot_be_deleted_by_anyone(self):
        entry = self.automated_entry()
        with self.assertRaises(UserError):
            entry.with_user(self.manager).unlink()
        with self.assertRaises(UserError):
            entry.sudo().unlink()
        self.assertTrue(entry.exists())

    def test_notes_can_be_added_to_automated_entries(self):
        entry = self.automated_entry()
        entry.with_user(self.collector).notes = "<p>Customer called back about it.</p>"
        entry.with_user(
            self.manager
        ).notes = "<p>Customer called back about it.</p><p>Forwarded to sales.</p>"
        self.assertIn("Forwarded to sales", str(entry.notes))
        self.flush_tracking()
        self.assertIn("Forwarded to sales", str(entry.message_ids[:1].body))
        with self.assertRaises(UserError):
            entry.with_user(self.manager).notes = "<p>Nothing to see.</p>"

    def test_system_states_are_not_set_by_hand(self):
        with freeze_time(TODAY):
            promise, _action = self.log(
                outcome="promise", promise_date=TODAY, summary="Will pay today"
            )
        for user in (self.collector, self.manager):
            with self.assertRaises(UserError):
                promise.with_user(user).promise_state = "kept"
        self.assertEqual(promise.promise_state, "open")

    # ------------------------------------------------------------------
    # Manual entries
    # ------------------------------------------------------------------
    def test_collectors_log_but_do_not_correct_or_delete(self):
        entry = self.manual_entry()
        self.assertEqual(entry.user_id, self.collector)
        with self.assertRaises(AccessError):
            entry.with_user(self.collector).summary = "Spoke to the CFO"
        with self.assertRaises(AccessError):
            entry.with_user(self.collector).unlink()
        entry.with_user(self.collector).notes = "<p>Will call again Monday.</p>"
        self.assertEqual(entry.summary, "Left a message")

    def test_managers_correct_manual_entries_and_corrections_are_tracked(self):
        entry = self.manual_entry()
        self.flush_tracking()
        # the test fixtures disable tracking; the application does not
        tracking = {"tracking_disable": False, "mail_notrack": False}
        entry.with_user(self.manager).with_context(**tracking).write(
            {
                "summary": "Spoke to the CFO",
                "outcome": "no_answer",
                "channel": "meeting",
            }
        )
        summary = self.tracked(entry, "summary")
        self.assertEqual(
            (summary.old_value_char, summary.new_value_char),
            ("Left a message", "Spoke to the CFO"),
        )
        self.assertEqual(summary.mail_message_id.author_id, self.manager.partner_id)
        self.assertTrue(self.tracked(entry, "outcome"))
        self.assertTrue(self.tracked(entry, "channel"))

    def test_manager_corrects_an_outcome_into_a_promise(self):
        entry = self.manual_entry()
        entry.with_user(self.manager).write(
            {"outcome": "promise", "promise_date": TODAY}
        )
        self.assertEqual(entry.promise_state, "open")
        entry.with_user(self.manager).outcome = "other"
        self.assertFalse(entry.promise_state)

    def test_managers_delete_manual_entries_with_a_trace(self):
        entry = self.manual_entry()
        entry.with_user(self.manager).unlink()
        self.assertFalse(entry.exists())
        trace = self.customer.message_ids[:1]
        self.assertIn("Left a message", str(trace.body))
        self.assertIn(self.manager.name, str(trace.body))

    def test_open_dispute_is_resolved_before_it_is_deleted_or_changed(self):
        entry = self.manual_entry(invoice_ids=self.invoice_due.ids)
        entry.with_user(self.manager).write(
            {"outcome": "dispute", "dispute_reason": "Not delivered"}
        )
        self.assertEqual(entry.dispute_state, "open")
        self.assertTrue(self.invoice_due.debt_disputed)
        with self.assertRaises(UserError):
            entry.with_user(self.manager).unlink()
        with self.assertRaises(UserError):
            entry.with_user(self.manager).outcome = "other"
        self.assertTrue(self.invoice_due.debt_disputed)

    # ------------------------------------------------------------------
    # Partners and invoices keep their history
    # ------------------------------------------------------------------
    def test_partner_with_interactions_is_archived_not_deleted(self):
        self.manual_entry()
        with self.assertRaisesRegex(UserError, "debt recovery interactions"):
            self.customer.unlink()
        self.customer.action_archive()
        self.assertFalse(self.customer.active)
        self.assertTrue(self.interactions())
        self.contact.unlink()  # a contact person holds no history of its own

    def test_invoice_with_interactions_cannot_be_deleted(self):
        draft = self.invoice(400.0, TODAY, post=False)
        self.manual_entry(invoice_ids=draft.ids)
        with self.assertRaisesRegex(UserError, "debt recovery interactions"):
            draft.unlink()
        self.assertTrue(draft.exists())
        other_draft = self.invoice(100.0, TODAY, post=False)
        other_draft.unlink()  # no history: deleted as usual

    # ------------------------------------------------------------------
    # Companies
    # ------------------------------------------------------------------
    def test_collectors_see_their_companies_only(self):
        other_company = self.setup_other_company(name="Other Co")["company"]
        foreign = (
            self.env["debt.recovery.interaction"]
            .sudo()
            .with_company(other_company)
            .create({"partner_id": self.customer.id, "summary": "Other company call"})
        )
        self.assertEqual(foreign.company_id, other_company)
        mine = self.manual_entry()
        visible = (
            self.env["debt.recovery.interaction"]
            .with_user(self.collector)
            .search([("partner_id", "=", self.customer.id)])
        )
        self.assertEqual(visible, mine)
        outsider = new_test_user(
            self.env,
            login="outsider_collector",
            groups="account_debt_recovery.group_debt_recovery_user",
            company_id=other_company.id,
            company_ids=[other_company.id],
        )
        with self.assertRaises(AccessError):
            mine.with_user(outsider).read(["summary"])
