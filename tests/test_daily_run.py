from datetime import timedelta

from freezegun import freeze_time

from odoo.tests import tagged

from .common import DebtRecoveryCommon


@tagged("post_install", "-at_install")
class TestDailyRun(DebtRecoveryCommon):
    """The scheduled action that runs every day."""

    def test_default_ladder_is_installed_per_company(self):
        self.assertTrue(self.policy.is_default)
        self.assertEqual(self.levels.mapped("days_overdue"), [7, 21, 45, 75])
        self.assertEqual(
            self.levels.mapped("tone"), ["courteous", "firm", "formal", "final"]
        )
        self.assertEqual(self.levels[3].escalation, "agency")
        other = self.setup_other_company(name="Company C")["company"]
        other_policy = self.env["debt.recovery.policy"]._default_for_company(other)
        self.assertEqual(len(other_policy.level_ids), 4)

    @freeze_time(DebtRecoveryCommon.TODAY)
    def test_email_is_queued_in_the_partner_language(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.customer.lang = "fr_FR"
        invoice = self.invoice(1234.0, self.days_ago(9))
        self.run_daily()
        mail = self.mails(self.customer)
        self.assertEqual(mail.state, "outgoing", "emails are queued, not sent inline")
        self.assertIn(invoice.name, str(mail.body_html))
        self.assertIn(self.customer.email, mail.email_to or mail.recipient_ids.email)
        interaction = self.interactions(event="level")
        self.assertTrue(interaction.automated)
        self.assertEqual(interaction.channel, "email")
        self.assertEqual(interaction.direction, "outbound")
        self.assertEqual(interaction.amount_due, 1234.0)
        self.assertEqual(interaction.invoice_ids, invoice)
        self.assertEqual(self.state().debt_last_contact_date.date(), self.TODAY)

    @freeze_time(DebtRecoveryCommon.TODAY)
    @freeze_time(DebtRecoveryCommon.TODAY)
    def test_next_action_is_the_day_the_next_level_is_due(self):
        """The worklist, the customer and the report agree on the next step's
        day: once level 1 is reached, the day level 2's delay is."""
        due = self.days_ago(self.levels[0].days_overdue)
        self.invoice(1000.0, due)
        self.run_daily()
        followup = self.followup()
        self.assertEqual(followup.level_id, self.levels[0])
        self.no_spacing()
        with freeze_time(self.TODAY + timedelta(days=1)):
            self.run_daily()
        self.assertEqual(
            self.followup().next_action_date,
            due + timedelta(days=self.levels[1].days_overdue),
        )

    def test_rerun_on_the_same_day_changes_nothing(self):
        self.invoice(1000.0, self.days_ago(30))
        self.run_daily()
        self.assertEqual(self.state().debt_level_id, self.levels[0])
        count = self.env["debt.recovery.interaction"].search_count([])
        mails = self.env["mail.mail"].search_count([])
        self.no_spacing()  # even with no spacing, a same-day rerun does nothing
        self.run_daily()
        self.assertEqual(self.state().debt_level_id, self.levels[0])
        self.assertEqual(self.env["debt.recovery.interaction"].search_count([]), count)
        self.assertEqual(self.env["mail.mail"].search_count([]), mails)

    @freeze_time(DebtRecoveryCommon.TODAY)
    def test_failure_on_one_partner_does_not_stop_the_batch(self):
        no_email = self.env["res.partner"].create(
            {"name": "No Email Ltd", "is_company": True}
        )
        self.invoice(500.0, self.days_ago(10), partner=no_email)
        self.invoice(700.0, self.days_ago(10))
        self.run_daily()
        failed = no_email.with_company(self.company)
        self.assertIn("no email address", failed.debt_error)
        self.assertTrue(self.interactions(partner=no_email, event="failure"))
        self.assertFalse(self.mails(no_email))
        # the other customer of the batch got its reminder
        self.assertEqual(self.state().debt_level_id, self.levels[0])
        self.assertTrue(self.mails())

    @freeze_time(DebtRecoveryCommon.TODAY)
    def test_template_error_on_one_partner_does_not_stop_the_batch(self):
        template = self.env["mail.template"].create(
            {
                "name": "Needs a customer reference",
                "model_id": self.env.ref(
                    "account_debt_recovery.model_debt_recovery_followup"
                ).id,
                "subject": "Your account",
                "body_html": '<p>Reference <t t-out="object.partner_id.ref.upper() '
                "if object.partner_id.name == 'No Reference Ltd' "
                'else object.partner_id.ref"/></p>',
            }
        )
        self.levels[0].mail_template_id = template
        self.customer.ref = "c-042"
        broken = self.env["res.partner"].create(
            {
                "name": "No Reference Ltd",
                "email": "noref@example.com",
                "is_company": True,
            }
        )
        self.invoice(500.0, self.days_ago(10), partner=broken)
        self.invoice(700.0, self.days_ago(10))
        self.run_daily()
        failed = broken.with_company(self.company)
        self.assertEqual(failed.debt_status, "to_review")
        self.assertFalse(failed.debt_level_id)
        # the real cause, not the first line of the rendering error
        self.assertIn("AttributeError", failed.debt_error)
        self.assertIn("upper", failed.debt_error)
        self.assertTrue(self.interactions(partner=broken, event="failure"))
        self.assertFalse(self.mails(broken))
        sent = self.interactions(event="level")
        self.assertEqual(sent.channel, "email")
        self.assertIn("c-042", str(sent.mail_message_id.body))

    @freeze_time(DebtRecoveryCommon.TODAY)
    def test_review_level_waits_for_a_collector(self):
        self.levels[0].execution = "review"
        self.invoice(1000.0, self.days_ago(10))
        self.run_daily()
        partner = self.state()
        self.assertEqual(partner.debt_status, "to_review")
        self.assertFalse(partner.debt_level_id)
        self.assertFalse(self.interactions(event="level"))
        self.send_reviewed()
        self.assertEqual(self.state().debt_level_id, self.levels[0])
        self.assertEqual(len(self.interactions(event="level")), 1)

    @freeze_time(DebtRecoveryCommon.TODAY)
    def test_activity_is_scheduled_for_the_collector(self):
        self.no_spacing()
        collector = self.env["res.users"].create(
            {"name": "Carla Collector", "login": "carla_c"}
        )
        self.set_collector(self.customer, collector)
        self.invoice(1000.0, self.days_ago(30))
        self.levels[0].write(
            {
                "schedule_activity": True,
                "activity_type_id": self.env.ref("mail.mail_activity_data_call").id,
                "activity_summary": "Call about the overdue balance",
                "activity_delay_days": 2,
            }
        )
        self.run_daily()
        activity = self.followup().activity_ids
        self.assertEqual(activity.user_id, collector)
        self.assertEqual(activity.summary, "Call about the overdue balance")
        self.assertEqual(activity.date_deadline, self.TODAY + timedelta(days=2))

    @freeze_time(DebtRecoveryCommon.TODAY)
    def test_letter_level_marks_a_letter_to_print(self):
        self.levels[0].write({"send_email": False, "produce_letter": True})
        self.invoice(1000.0, self.days_ago(10))
        self.run_daily()
        letter = self.interactions(event="level")
        self.assertEqual(letter.channel, "letter")
        self.assertEqual(letter.letter_state, "to_print")

    @freeze_time(DebtRecoveryCommon.TODAY)
    def test_below_minimum_amount_is_not_chased(self):
        self.policy.min_overdue_amount = 50.0
        self.invoice(30.0, self.days_ago(40))
        self.run_daily()
        self.assertFalse(self.state().debt_level_id)
        self.assertFalse(self.interactions(event="level"))

    @freeze_time(DebtRecoveryCommon.TODAY)
    def test_excluded_partner_is_not_chased(self):
        self.followup()._exclude("Handled by the group's treasury")
        self.invoice(1000.0, self.days_ago(40))
        self.run_daily()
        self.assertFalse(self.interactions(event="level"))
        self.assertEqual(self.state().debt_status, "excluded")

    @freeze_time(DebtRecoveryCommon.TODAY)
    def test_one_partner_owing_two_companies_follows_each_ladder(self):
        other = self.setup_other_company(name="Company B")
        other_company = other["company"]
        other_policy = self.env["debt.recovery.policy"]._default_for_company(
            other_company
        )
        other_policy.level_ids.sorted()[0].days_overdue = 3
        self.invoice(1000.0, self.days_ago(10))
        self.invoice(200.0, self.days_ago(4), company_data=other)
        self.run_daily()
        in_a = self.state()
        in_b = self.state(company=other_company)
        self.assertEqual(in_a.debt_level_id, self.levels[0])
        self.assertEqual(in_b.debt_level_id, other_policy.level_ids.sorted()[0])
        self.assertEqual(self.interactions().amount_due, 1000.0)
        self.assertEqual(self.interactions(company=other_company).amount_due, 200.0)
        # paying in one company settles only that company
        self.pay(
            self.customer.invoice_ids.filtered(lambda m: m.company_id == self.company)
        )
        with freeze_time(self.TODAY + timedelta(days=1)):
            self.run_daily()
        self.assertEqual(self.state().debt_status, "up_to_date")
        self.assertEqual(self.state(company=other_company).debt_status, "overdue")

    @freeze_time(DebtRecoveryCommon.TODAY)
    def test_batches_cover_all_candidates(self):
        partners = self.env["res.partner"].create(
            [
                {"name": f"Batch customer {index}", "email": f"c{index}@example.com"}
                for index in range(5)
            ]
        )
        for partner in partners:
            self.invoice(100.0, self.days_ago(10), partner=partner)
        cron = self.env.ref("account_debt_recovery.ir_cron_debt_recovery_daily")
        cron.code = "model._cron_daily(batch_size=2)"
        self.run_daily()
        levels = partners.with_company(self.company).mapped("debt_level_id")
        self.assertEqual(levels, self.levels[0])
        followups = self.env["debt.recovery.followup"]._for_partners(partners)
        self.assertEqual(set(followups.mapped("last_evaluation_date")), {self.TODAY})
