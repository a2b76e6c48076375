"""Roles and companies: nobody sees or changes what is not theirs.

Covered elsewhere, not repeated here:

* a collector cannot activate or cancel a payment plan, nor move its status:
  test_plan_lifecycle.py (``test_activation_by_a_manager_...``,
  ``test_cancel_by_a_manager_with_a_reason``,
  ``test_only_managers_and_the_run_move_the_status``);
* a collector logs interactions but does not correct or delete them, and
  cannot forge automated entries: test_interaction_integrity.py
  (``test_collectors_log_but_do_not_correct_or_delete``), and
  test_interaction_recording.py (``test_collectors_cannot_forge_automated_entries``);
* a collector drafts plans and flags disputes: test_plan_lifecycle.py
  (``test_collector_drafts_a_plan``), test_interaction_effects.py
  (``test_dispute_takes_invoices_off_the_ladder_until_resolved``);
* each company exports only its own data, and a company one does not work in
  is refused: test_xlsx_export.py
  (``test_companies_are_exported_side_by_side_with_their_own_totals``).
"""

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import DebtRecoveryCommon

USER = "account_debt_recovery.group_debt_recovery_user"
MANAGER = "account_debt_recovery.group_debt_recovery_manager"
BILLING = "account.group_account_invoice"
ACCOUNTANT = "account.group_account_manager"


@tagged("post_install", "-at_install")
class TestSecurity(DebtRecoveryCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other = cls.setup_other_company(name="Company B")
        cls.company_b = cls.other["company"]
        cls.policy_b = cls.env["debt.recovery.policy"]._default_for_company(
            cls.company_b
        )
        cls.levels_b = cls.policy_b.level_ids.sorted()
        in_a = {"company_id": cls.company.id, "company_ids": [cls.company.id]}
        cls.collector = new_test_user(
            cls.env, login="sec_collector", groups=USER, **in_a
        )
        cls.manager = new_test_user(
            cls.env, login="sec_manager", groups=MANAGER, **in_a
        )
        cls.billing = new_test_user(
            cls.env, login="sec_billing", groups=BILLING, **in_a
        )
        cls.accountant = new_test_user(
            cls.env, login="sec_accountant", groups=ACCOUNTANT, **in_a
        )
        cls.collector_b = new_test_user(
            cls.env,
            login="sec_collector_b",
            groups=USER,
            company_id=cls.company_b.id,
            company_ids=[cls.company_b.id],
        )
        cls.collector_both = new_test_user(
            cls.env,
            login="sec_collector_both",
            groups=USER,
            company_id=cls.company.id,
            company_ids=[cls.company.id, cls.company_b.id],
        )

    # ------------------------------------------------------------------
    # Roles
    # ------------------------------------------------------------------
    def test_two_groups_under_a_debt_recovery_privilege_in_accounting(self):
        collector_group = self.env.ref(USER)
        manager_group = self.env.ref(MANAGER)
        privilege = collector_group.privilege_id
        self.assertEqual(privilege.name, "Debt Recovery")
        self.assertEqual(
            privilege.category_id, self.env.ref("base.module_category_accounting")
        )
        self.assertEqual(manager_group.privilege_id, privilege)
        self.assertIn(collector_group, manager_group.implied_ids)
        # accounting managers are managers; billing users get neither
        self.assertTrue(self.accountant.has_group(MANAGER))
        self.assertFalse(self.billing.has_group(USER))
        self.assertFalse(self.billing.has_group(MANAGER))
        self.assertFalse(self.collector.has_group(MANAGER))

    def test_every_model_has_access_rights_and_company_rules(self):
        models = [
            model
            for name, model in self.env.registry.items()
            if name.startswith("debt.recovery.") and not model._abstract
        ]
        self.assertGreaterEqual(len(models), 10, "models and wizards")
        collector_group = self.env.ref(USER) | self.env.ref(MANAGER)
        Access = self.env["ir.model.access"].sudo()
        Rule = self.env["ir.rule"].sudo()
        for model in models:
            with self.subTest(model=model._name):
                self.assertTrue(
                    Access.search_count(
                        [
                            ("model_id.model", "=", model._name),
                            ("group_id", "in", collector_group.ids),
                        ]
                    ),
                    "the access rights of collectors or managers",
                )
                company_field = model._fields.get("company_id")
                if model._transient or not (company_field and company_field.store):
                    continue
                rules = Rule.search([("model_id.model", "=", model._name)])
                self.assertTrue(
                    rules.filtered(lambda rule: "company_ids" in rule.domain_force),
                    "a multi-company record rule",
                )

    def test_billing_users_see_nothing_of_it_unless_given(self):
        root = self.env.ref("account_debt_recovery.menu_debt_recovery_root")
        config = self.env.ref("account_debt_recovery.menu_debt_recovery_config")
        Menu = self.env["ir.ui.menu"]
        self.assertFalse(
            {root.id, config.id} & Menu.with_user(self.billing)._visible_menu_ids()
        )
        collector_menus = Menu.with_user(self.collector)._visible_menu_ids()
        self.assertIn(root.id, collector_menus)
        self.assertNotIn(config.id, collector_menus, "configuration: managers only")
        self.assertLessEqual(
            {root.id, config.id}, Menu.with_user(self.manager)._visible_menu_ids()
        )
        # the server refuses anyway
        billing_env = self.env(user=self.billing)
        customer = {"partner_id": self.customer.id}
        for model, values in (
            ("debt.recovery.interaction", dict(customer, summary="Called")),
            ("debt.recovery.log.wizard", dict(customer, outcome="other")),
            ("debt.recovery.plan", customer),
            ("debt.recovery.plan.wizard", customer),
            ("debt.recovery.xlsx.export", {}),
            ("debt.recovery.policy", {"name": "Mine"}),
        ):
            with self.subTest(model=model), self.assertRaises(AccessError):
                billing_env[model].create(values)
        with self.assertRaises(AccessError):
            billing_env["debt.recovery.interaction"].search(
                [("partner_id", "=", self.customer.id)]
            )
        # what the log says of an invoice is the collectors' too
        Move = billing_env["account.move"]
        for domain in (
            [("debt_disputed", "=", True)],
            [("debt_level_id", "!=", False)],
            [("debt_courtesy_date", "=", False)],
        ):
            with self.subTest(domain=domain), self.assertRaises(AccessError):
                Move.search_count(domain)
        for groupby in ("debt_disputed", "debt_level_id"):
            with self.subTest(groupby=groupby), self.assertRaises(AccessError):
                Move.formatted_read_group([], [groupby], ["__count"])
        # ... unless given the role
        self.billing.group_ids |= self.env.ref(USER)
        self.assertIn(root.id, Menu.with_user(self.billing)._visible_menu_ids())
        self.env.invalidate_all()
        self.assertFalse(
            billing_env["account.move"].search_count([("debt_disputed", "=", True)])
        )

    def test_contact_editors_cannot_change_the_follow_up(self):
        """Neither a billing user nor a collector who may edit contacts changes
        a customer's follow-up by writing on the contact, even over RPC; the
        follow-up's own action does it, and logs it."""
        self.billing.group_ids |= self.env.ref("base.group_partner_manager")
        self.collector.group_ids |= self.env.ref("base.group_partner_manager")
        customer = self.customer.with_company(self.company)
        for user in (self.billing, self.collector):
            for values in (
                {"debt_excluded": True},
                {"debt_pause_until": self.TODAY, "debt_pause_reason": "Why not"},
                {"debt_status": "escalated"},
                {"debt_level_id": self.levels[3].id},
                {"debt_pending_level_id": False},
                {"debt_collector_id": self.billing.id},
            ):
                with (
                    self.subTest(user=user.login, values=values),
                    self.assertRaises(AccessError),
                ):
                    customer.with_user(user).write(values)
        self.assertFalse(customer.debt_excluded)
        self.assertFalse(customer.debt_collector_id)
        # ordinary contact data stays theirs to edit
        customer.with_user(self.billing).write({"phone": "+32 2 555 01 01"})
        self.followup().with_user(self.collector)._assign(self.collector)
        self.assertEqual(self.state().debt_collector_id, self.collector)
        self.assertTrue(self.interactions(event="assigned"))

    @freeze_time(DebtRecoveryCommon.TODAY)
    def test_collectors_send_reviewed_reminders_billing_users_cannot(self):
        self.levels[0].execution = "review"
        self.invoice(1000.0, self.days_ago(30))
        self.run_daily()
        partner = self.state()
        self.assertEqual(partner.debt_status, "to_review")
        form = (
            self.env["res.partner"]
            .with_user(self.billing)
            .get_views([(False, "form")])["views"]["form"]["arch"]
        )
        self.assertNotIn("action_debt_send_now", form, "the tab is hidden")
        with self.assertRaisesRegex(AccessError, "Only debt recovery collectors"):
            partner.with_user(self.billing).action_debt_send_now()
        self.assertEqual(self.state().debt_status, "to_review", "nothing sent")
        self.assertFalse(self.interactions(event="level"))
        self.send_reviewed(user=self.collector)
        partner = self.state()
        self.assertEqual(partner.debt_level_id, self.levels[0])
        self.assertEqual(partner.debt_status, "overdue")
        sent = self.interactions(event="level")
        self.assertEqual(sent.channel, "email")
        self.assertFalse(sent.automated)

    def test_collectors_do_not_configure_nor_decide_escalations(self):
        partner = self.customer.with_company(self.company)
        self.set_state(escalation="agency", escalation_state="proposed")
        form = (
            self.env["res.partner"]
            .with_user(self.collector)
            .get_views([(False, "form")])["views"]["form"]["arch"]
        )
        self.assertIn("action_debt_send_now", form)
        self.assertNotIn("action_debt_approve_escalation", form)
        plan_form = (
            self.env["debt.recovery.plan"]
            .with_user(self.collector)
            .get_views([(False, "form")])["views"]["form"]["arch"]
        )
        self.assertNotIn("action_activate", plan_form)
        self.assertNotIn('name="action_cancel"', plan_form)
        as_collector = self.env(user=self.collector)
        minimum, delay = self.policy.min_overdue_amount, self.levels[0].days_overdue
        level_count = len(self.policy.level_ids)
        with self.assertRaises(AccessError):
            self.policy.with_env(as_collector).min_overdue_amount = 1.0
        with self.assertRaises(AccessError):
            self.levels[0].with_env(as_collector).days_overdue = 1
        with self.assertRaises(AccessError):
            as_collector["debt.recovery.level"].create(
                {"policy_id": self.policy.id, "name": "Mine", "days_overdue": 99}
            )
        for method in (
            "action_debt_approve_escalation",
            "action_debt_reject_escalation",
        ):
            with self.subTest(method=method), self.assertRaises(AccessError):
                getattr(partner.with_user(self.collector), method)()
        self.env.invalidate_all()
        self.assertEqual(partner.debt_status, "escalation_proposed", "nothing changed")
        self.assertFalse(self.interactions())
        self.assertEqual(self.policy.min_overdue_amount, minimum)
        self.assertEqual(self.levels[0].days_overdue, delay)
        self.assertEqual(len(self.policy.level_ids), level_count)

    def test_only_managers_put_a_customer_on_another_policy(self):
        """Which ladder a customer is on is a manager's choice: a collector
        who may also edit contacts changes it neither by the method nor by
        the wizard's RPC, and nothing is logged."""
        self.collector.group_ids |= self.env.ref("base.group_partner_manager")
        gentle = self.policy.copy({"name": "Gentle", "is_default": False})
        followup = self.customer._debt_followup()
        as_collector = followup.with_user(self.collector)
        with self.assertRaises(AccessError):
            as_collector._set_policy(gentle)
        with self.assertRaises(AccessError):
            self.customer.with_user(self.collector).write({"debt_policy_id": gentle.id})
        self.env.invalidate_all()
        self.assertFalse(followup.policy_id)
        self.assertFalse(self.interactions(event="policy_changed"))

    def test_managers_and_accounting_managers_configure_and_decide(self):
        self.invoice(1000.0, self.days_ago(30))
        cases = (
            (self.manager, "approve", "escalated", 201),
            (self.accountant, "reject", "overdue", 202),
        )
        for user, decision, status, delay in cases:
            with self.subTest(user=user.login):
                as_user = self.env(user=user)
                self.policy.with_env(as_user).min_overdue_amount = 25.0
                level = as_user["debt.recovery.level"].create(
                    {
                        "policy_id": self.policy.id,
                        "name": f"Extra {user.login}",
                        "days_overdue": delay,
                    }
                )
                self.assertEqual(level.company_id, self.company)
                self.set_state(escalation="legal", escalation_state="proposed")
                self.decide_escalation(decision, user=user, reason="Reviewed")
                self.assertEqual(self.state().debt_status, status)
                event = (
                    "escalation_approved"
                    if decision == "approve"
                    else ("escalation_rejected")
                )
                self.assertEqual(self.interactions(event=event).user_id, user)

    # ------------------------------------------------------------------
    # Companies
    # ------------------------------------------------------------------
    @freeze_time(DebtRecoveryCommon.TODAY)
    def test_two_companies_sharing_a_customer_each_see_their_own(self):
        self.set_levels_auto()
        self.levels_b.write({"execution": "auto"})
        self.levels_b[0].days_overdue = 3
        invoice_a = self.invoice(1000.0, self.days_ago(30))
        invoice_b = self.invoice(200.0, self.days_ago(4), company_data=self.other)
        self.run_daily()
        Plan = self.env["debt.recovery.plan"]
        plan_a = Plan.create(
            {
                "partner_id": self.customer.id,
                "invoice_ids": [Command.set(invoice_a.ids)],
            }
        )
        plan_b = Plan.with_company(self.company_b).create(
            {
                "partner_id": self.customer.id,
                "company_id": self.company_b.id,
                "invoice_ids": [Command.set(invoice_b.ids)],
            }
        )
        entries_a = self.interactions()
        entries_b = self.interactions(company=self.company_b)
        self.assertTrue(entries_a and entries_b)

        def seen_by(user, model, **context):
            return (
                self.env[model]
                .with_user(user)
                .with_context(**context)
                .search([("partner_id", "=", self.customer.id)])
            )

        # a collector of company A: A's ladder state, interactions and plans only
        self.assertEqual(
            seen_by(self.collector, "debt.recovery.interaction"), entries_a
        )
        self.assertEqual(seen_by(self.collector, "debt.recovery.plan"), plan_a)
        self.assertEqual(
            self.customer.with_user(self.collector).debt_level_id, self.levels[0]
        )
        self.assertEqual(
            self.customer.with_user(self.collector).debt_overdue_amount, 1000.0
        )
        with self.assertRaises(AccessError):
            entries_b.with_user(self.collector).read(["summary"])
        with self.assertRaises(AccessError):
            plan_b.with_user(self.collector).read(["name"])
        with self.assertRaises(AccessError):
            self.customer.with_user(self.collector).with_company(
                self.company_b
            ).debt_level_id  # noqa: B018
        self.assertFalse(
            self.env["debt.recovery.policy"]
            .with_user(self.collector)
            .search([("company_id", "=", self.company_b.id)])
        )
        # and the other way round
        self.assertEqual(
            seen_by(self.collector_b, "debt.recovery.interaction"), entries_b
        )
        self.assertEqual(
            self.customer.with_user(self.collector_b).debt_level_id, self.levels_b[0]
        )
        # a user allowed in both sees both, each company separately
        both = {"allowed_company_ids": [self.company.id, self.company_b.id]}
        self.assertEqual(
            seen_by(self.collector_both, "debt.recovery.interaction", **both),
            entries_a | entries_b,
        )
        self.assertEqual(
            seen_by(self.collector_both, "debt.recovery.plan", **both), plan_a | plan_b
        )
        as_both = self.customer.with_user(self.collector_both)
        in_a = as_both.with_company(self.company)
        in_b = as_both.with_company(self.company_b)
        self.assertEqual(in_a.debt_level_id, self.levels[0])
        self.assertEqual(in_b.debt_level_id, self.levels_b[0])
        self.assertEqual(in_a.debt_overdue_amount, 1000.0)
        self.assertEqual(in_b.debt_overdue_amount, 200.0)
        self.assertEqual(in_a.debt_interaction_ids, entries_a)
        self.assertEqual(in_b.debt_interaction_ids, entries_b)
        self.assertEqual(in_b.debt_plan_count, 1)

    @freeze_time(DebtRecoveryCommon.TODAY)
    def test_the_run_uses_each_company_policy_and_templates(self):
        self.set_levels_auto()
        self.no_spacing()
        template_b = self.env["mail.template"].create(
            {
                "name": "Company B reminder",
                "model_id": self.env.ref(
                    "account_debt_recovery.model_debt_recovery_followup"
                ).id,
                "subject": "{{ object.company_id.name }} - ladder B",
                "body_html": "<p>Dear <t t-out='object.partner_id.name'/>, from "
                "<t t-out='object.company_id.name'/>.</p>",
            }
        )
        self.levels_b.write({"execution": "auto"})
        self.levels_b[0].write({"days_overdue": 3, "mail_template_id": template_b.id})
        self.invoice(1000.0, self.days_ago(10))
        self.invoice(200.0, self.days_ago(4), company_data=self.other)
        self.run_daily()
        sent_a = self.interactions(event="level")
        sent_b = self.interactions(company=self.company_b, event="level")
        self.assertEqual(sent_a.level_id, self.levels[0], "A's own policy")
        self.assertEqual(sent_b.level_id, self.levels_b[0], "B's own policy")
        self.assertEqual(sent_b.mail_message_id.subject, "Company B - ladder B")
        self.assertIn("from Company B", str(sent_b.mail_message_id.body))
        subject_a = sent_a.mail_message_id.subject
        self.assertTrue(subject_a.startswith(self.company.name), subject_a)
        self.assertNotIn("Company B", subject_a + str(sent_a.mail_message_id.body))
