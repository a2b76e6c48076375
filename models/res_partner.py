from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.fields import Domain

from .debt_recovery_level import ESCALATIONS

STATUSES = [
    ("up_to_date", "Up to Date"),
    ("overdue", "Overdue"),
    ("to_review", "Action to Review"),
    ("promise", "Promise to Pay"),
    ("plan", "In Payment Plan"),
    ("paused", "Paused"),
    ("disputed", "Disputed"),
    ("escalation_proposed", "Escalation Proposed"),
    ("escalated", "Escalated"),
]


class ResPartner(models.Model):
    _inherit = "res.partner"

    # Follow-up state: one value per company (DESIGN §1), hence company-dependent.
    debt_policy_id = fields.Many2one(
        "debt.recovery.policy",
        string="Recovery Policy",
        company_dependent=True,
        copy=False,
        help="Follow-up policy of this customer; empty means the company's "
        "default policy.",
    )
    debt_level_id = fields.Many2one(
        "debt.recovery.level",
        string="Recovery Level",
        company_dependent=True,
        copy=False,
        readonly=True,
    )
    debt_pending_level_id = fields.Many2one(
        "debt.recovery.level",
        string="Level to Review",
        company_dependent=True,
        copy=False,
        readonly=True,
        help="Level whose actions wait for a collector to review and send them.",
    )
    debt_status = fields.Selection(
        STATUSES,
        string="Recovery Status",
        company_dependent=True,
        copy=False,
        readonly=True,
    )
    debt_escalation = fields.Selection(
        ESCALATIONS,
        string="Escalation",
        company_dependent=True,
        copy=False,
        readonly=True,
    )
    debt_collector_id = fields.Many2one(
        "res.users",
        string="Collector",
        company_dependent=True,
        copy=False,
        domain="[('share', '=', False)]",
    )
    debt_next_action_date = fields.Date(
        string="Next Action", company_dependent=True, copy=False, readonly=True
    )
    debt_last_contact_date = fields.Date(
        string="Last Contact", company_dependent=True, copy=False, readonly=True
    )
    debt_last_run_date = fields.Date(
        string="Last Evaluation",
        company_dependent=True,
        copy=False,
        readonly=True,
        help="Date of the daily run that last evaluated this customer.",
    )
    debt_pause_until = fields.Date(
        string="Paused Until", company_dependent=True, copy=False
    )
    debt_pause_reason = fields.Char(
        string="Pause Reason", company_dependent=True, copy=False
    )
    debt_excluded = fields.Boolean(
        string="Excluded from Debt Recovery", company_dependent=True, copy=False
    )
    debt_error = fields.Char(
        string="Last Failure",
        company_dependent=True,
        copy=False,
        readonly=True,
        help="Why the last follow-up action for this customer failed.",
    )
    debt_priority = fields.Float(
        string="Priority",
        company_dependent=True,
        copy=False,
        readonly=True,
        help="Overdue amount × days overdue at the last evaluation: the order "
        "of the worklist.",
    )
    debt_level_color = fields.Integer(
        related="debt_level_id.color", string="Level Colour"
    )
    debt_letter_to_print = fields.Boolean(
        string="Letter to Print",
        compute="_compute_debt_worklist_flags",
        search="_search_debt_letter_to_print",
    )
    debt_promise_due = fields.Boolean(
        string="Promise Due",
        compute="_compute_debt_worklist_flags",
        search="_search_debt_promise_due",
        help="An open promise to pay falls due today or fell due already.",
    )
    debt_plan_at_risk = fields.Boolean(
        string="Plan at Risk",
        compute="_compute_debt_worklist_flags",
        search="_search_debt_plan_at_risk",
        help="An instalment of an active payment plan is late.",
    )

    debt_currency_id = fields.Many2one(
        "res.currency",
        compute="_compute_debt_currency_id",
    )
    debt_overdue_amount = fields.Monetary(
        string="Overdue Amount",
        currency_field="debt_currency_id",
        compute="_compute_debt_overdue",
        help="Overdue receivables of the current company, net of unallocated "
        "credit notes and payments, in company currency.",
    )
    debt_overdue_days = fields.Integer(
        string="Days Overdue",
        compute="_compute_debt_overdue",
        help="Days overdue of the oldest overdue item still chased.",
    )
    debt_interaction_count = fields.Integer(compute="_compute_debt_interaction_count")
    debt_plan_count = fields.Integer(
        string="Payment Plan Count", compute="_compute_debt_plan_count"
    )
    debt_plan_ids = fields.One2many(
        "debt.recovery.plan", "partner_id", string="Payment Plans", readonly=True
    )
    debt_interaction_ids = fields.Many2many(
        "debt.recovery.interaction",
        string="Debt Recovery History",
        compute="_compute_debt_interaction_ids",
        help="Every contact and event of this customer's follow-up in the "
        "current company, newest first.",
    )

    @api.constrains("debt_pause_until", "debt_pause_reason")
    def _check_debt_pause_reason(self):
        for partner in self:
            if partner.debt_pause_until and not partner.debt_pause_reason:
                raise ValidationError(
                    self.env._(
                        "Say why the follow-up of %(partner)s is paused.",
                        partner=partner.display_name,
                    )
                )

    @api.model
    def _debt_letter_to_print_domain(self):
        return [
            ("company_id", "=", self.env.company.id),
            ("letter_state", "=", "to_print"),
        ]

    @api.model
    def _debt_promise_due_domain(self):
        return [
            ("company_id", "=", self.env.company.id),
            ("promise_state", "=", "open"),
            ("promise_date", "<=", fields.Date.context_today(self)),
        ]

    @api.depends_context("company")
    def _compute_debt_worklist_flags(self):
        Interaction = self.env["debt.recovery.interaction"]
        partners = self.commercial_partner_id
        letters = Interaction.search(
            self._debt_letter_to_print_domain() + [("partner_id", "in", partners.ids)]
        ).partner_id
        promises = Interaction.search(
            self._debt_promise_due_domain() + [("partner_id", "in", partners.ids)]
        ).partner_id
        at_risk = self._debt_plans_at_risk(partners)
        for partner in self:
            partner.debt_letter_to_print = partner.commercial_partner_id in letters
            partner.debt_promise_due = partner.commercial_partner_id in promises
            partner.debt_plan_at_risk = partner.commercial_partner_id in at_risk

    def _debt_search_interactions(self, operator, value, domain):
        if operator != "in":
            return NotImplemented
        partners = self.env["debt.recovery.interaction"].search(domain).partner_id
        return [("commercial_partner_id", "in", partners.ids)]

    def _search_debt_letter_to_print(self, operator, value):
        return self._debt_search_interactions(
            operator, value, self._debt_letter_to_print_domain()
        )

    def _search_debt_promise_due(self, operator, value):
        return self._debt_search_interactions(
            operator, value, self._debt_promise_due_domain()
        )

    @api.model
    def _debt_plans_at_risk(self, partners=None):
        """Customers of the current company with a late instalment in an
        active payment plan (one search)."""
        domain = [
            ("plan_id.state", "=", "active"),
            ("state", "=", "late"),
            ("company_id", "=", self.env.company.id),
        ]
        if partners is not None:
            domain.append(("plan_id.partner_id", "in", partners.ids))
        instalments = self.env["debt.recovery.plan.instalment"].search(domain)
        return instalments.plan_id.partner_id.commercial_partner_id

    def _search_debt_plan_at_risk(self, operator, value):
        if operator != "in":
            return NotImplemented
        return [("commercial_partner_id", "in", self._debt_plans_at_risk().ids)]

    @api.depends_context("company")
    def _compute_debt_currency_id(self):
        self.debt_currency_id = self.env.company.currency_id

    @api.depends_context("company")
    def _compute_debt_overdue(self):
        today = fields.Date.context_today(self)
        figures = self.env["account.move.line"]._debt_overdue_by_partner(
            self.env.company, partners=self, today=today
        )
        for partner in self:
            amount, oldest = figures.get(partner.commercial_partner_id, (0.0, False))
            partner.debt_overdue_amount = amount
            partner.debt_overdue_days = (today - oldest).days if oldest else 0

    @api.depends_context("company")
    def _compute_debt_interaction_count(self):
        counts = dict(
            self.env["debt.recovery.interaction"]._read_group(
                [
                    ("partner_id", "in", self.commercial_partner_id.ids),
                    ("company_id", "=", self.env.company.id),
                ],
                groupby=["partner_id"],
                aggregates=["__count"],
            )
        )
        for partner in self:
            partner.debt_interaction_count = counts.get(
                partner.commercial_partner_id, 0
            )

    @api.depends_context("company")
    def _compute_debt_interaction_ids(self):
        interactions = self.env["debt.recovery.interaction"].search(
            [
                ("partner_id", "in", self.commercial_partner_id.ids),
                ("company_id", "=", self.env.company.id),
            ]
        )
        for partner in self:
            partner.debt_interaction_ids = interactions.filtered(
                lambda entry, p=partner: entry.partner_id == p.commercial_partner_id
            )

    def action_debt_interactions(self):
        """Smart button: the customer's interactions in the current company."""
        return self._debt_customer_action(
            "account_debt_recovery.debt_recovery_interaction_action"
        )

    def _debt_customer_action(self, xmlid):
        """``xmlid``'s window action on this customer's records of the
        current company."""
        partner = self.commercial_partner_id
        partner.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(xmlid)
        action["domain"] = [
            ("partner_id", "=", partner.id),
            ("company_id", "=", self.env.company.id),
        ]
        action["context"] = {"default_partner_id": partner.id}
        return action

    def action_debt_log_interaction(self):
        """Log a call (or any contact) with this customer."""
        partner = self._debt_commercial_partners()
        if len(partner) > 1:
            raise UserError(self.env._("Log interactions one customer at a time."))
        return self.env["debt.recovery.log.wizard"]._action_open(
            {"default_partner_id": partner.id}
        )

    def action_debt_log_email(self):
        """Turn an email the customer sent into an inbound interaction."""
        action = self.action_debt_log_interaction()
        action["context"].update(default_channel="email", default_direction="inbound")
        return action

    @api.ondelete(at_uninstall=False)
    def _unlink_except_debt_interactions(self):
        logged = (
            self.env["debt.recovery.interaction"]
            .sudo()
            ._read_group([("partner_id", "in", self.ids)], groupby=["partner_id"])
        )
        if logged:
            raise UserError(
                self.env._(
                    "%(partners)s cannot be deleted: their debt recovery interactions "
                    "are the evidence file of their follow-up. Archive them instead.",
                    partners=", ".join(partner.display_name for (partner,) in logged),
                )
            )

    # ------------------------------------------------------------------
    # Payment plans (DESIGN §4)
    # ------------------------------------------------------------------
    @api.depends_context("company")
    def _compute_debt_plan_count(self):
        counts = dict(
            self.env["debt.recovery.plan"]._read_group(
                [
                    ("partner_id", "in", self.commercial_partner_id.ids),
                    ("company_id", "=", self.env.company.id),
                ],
                groupby=["partner_id"],
                aggregates=["__count"],
            )
        )
        for partner in self:
            partner.debt_plan_count = counts.get(partner.commercial_partner_id, 0)

    def action_debt_plans(self):
        """Smart button: the customer's payment plans in the current company."""
        return self._debt_customer_action(
            "account_debt_recovery.debt_recovery_plan_action"
        )

    def action_debt_propose_plan(self):
        """Propose a payment plan on the customer's overdue invoices."""
        partner = self._debt_commercial_partners()
        if len(partner) > 1:
            raise UserError(self.env._("Propose payment plans one customer at a time."))
        return self.env["debt.recovery.plan.wizard"]._action_open(partner)

    def _debt_policy(self):
        """The policy that applies to this customer in the current company."""
        self.ensure_one()
        partner = self.commercial_partner_id
        return partner.debt_policy_id or self.env[
            "debt.recovery.policy"
        ]._default_for_company(self.env.company)

    def _debt_collector(self):
        self.ensure_one()
        return self.commercial_partner_id.debt_collector_id or self.user_id

    # ------------------------------------------------------------------
    # Actions of collectors and managers
    # ------------------------------------------------------------------
    def _debt_commercial_partners(self):
        partners = self.commercial_partner_id
        if not partners:
            raise UserError(self.env._("Select at least one customer."))
        return partners

    def action_debt_send_now(self):
        """Send the reviewed level: exactly what the daily run would have done."""
        if not self.env.user.has_group(
            "account_debt_recovery.group_debt_recovery_user"
        ):
            raise AccessError(
                self.env._("Only debt recovery collectors can send reviewed reminders.")
            )
        partners = self._debt_commercial_partners()
        waiting = partners.filtered("debt_pending_level_id")
        if not waiting:
            raise UserError(
                self.env._(
                    "None of the selected customers has a reminder awaiting review."
                )
            )
        self.env["debt.recovery.run"]._send_pending(waiting)
        return True

    def action_debt_pause(self):
        """Pause the follow-up of the selected customers until a date."""
        partners = self._debt_commercial_partners()
        return self.env["debt.recovery.pause.wizard"]._action_open(partners)

    def action_debt_assign_collector(self):
        """Assign a collector to the selected customers."""
        partners = self._debt_commercial_partners()
        return self.env["debt.recovery.assign.wizard"]._action_open(partners)

    def action_debt_approve_escalation(self):
        """Rule 6: a manager approves the proposed escalation (logged)."""
        return self._debt_decide_escalation(approved=True)

    def action_debt_reject_escalation(self):
        """Rule 6: a manager rejects it; the customer returns to the ladder."""
        return self._debt_decide_escalation(approved=False)

    def _debt_decide_escalation(self, approved):
        self._debt_check_manager()
        partners = self._debt_commercial_partners()
        self._debt_check_escalation_proposed(partners)
        run = self.env["debt.recovery.run"]
        entries = []
        for partner in partners:
            label = run._escalation_label(partner.debt_escalation)
            entries.append(
                {
                    "partner_id": partner.id,
                    "event": "escalation_approved"
                    if approved
                    else "escalation_rejected",
                    "channel": "note",
                    "direction": "internal",
                    "escalation": partner.debt_escalation,
                    "automated": False,
                    "summary": self.env._(
                        "Escalation approved: %(escalation)s", escalation=label
                    )
                    if approved
                    else self.env._(
                        "Escalation rejected: %(escalation)s", escalation=label
                    ),
                }
            )
        run._log(entries)
        # follow-up state is system data: written as superuser after the check
        if approved:
            partners.sudo().write({"debt_status": "escalated"})
        else:
            partners.sudo().write({"debt_status": "overdue", "debt_escalation": False})
        return True

    def write(self, vals):
        # The follow-up of a customer is the collectors' business: contact
        # editors outside debt recovery (e.g. billing users) change none of
        # it, not even over RPC. The run and the wizards write as superuser.
        if (
            not self.env.su
            and any(name.startswith("debt_") for name in vals)
            and not self.env.user.has_group(
                "account_debt_recovery.group_debt_recovery_user"
            )
        ):
            raise AccessError(
                self.env._(
                    "Only debt recovery collectors and managers can change the "
                    "follow-up of a customer."
                )
            )
        return super().write(vals)

    def _debt_check_manager(self):
        if not self.env.user.has_group(
            "account_debt_recovery.group_debt_recovery_manager"
        ):
            raise AccessError(
                self.env._(
                    "Only a debt recovery manager can approve or reject escalations."
                )
            )

    def _debt_check_escalation_proposed(self, partners):
        not_proposed = partners.filtered(
            lambda p: p.debt_status != "escalation_proposed"
        )
        if not_proposed:
            raise UserError(
                self.env._(
                    "No escalation is awaiting approval for %(partners)s.",
                    partners=", ".join(not_proposed.mapped("display_name")),
                )
            )

    def _debt_overdue_lines(self):
        """Eligible overdue items of this customer in the current company,
        oldest first (used by letters and email templates).

        The daily run passes the items it already read in the context key
        ``debt_recovery_lines`` (``((partner_id, (line_id, ...)), ...)``).
        """
        AML = self.env["account.move.line"]
        known = dict(self.env.context.get("debt_recovery_lines") or ())
        if self.commercial_partner_id.id in known:
            prefetch = [line_id for line_ids in known.values() for line_id in line_ids]
            lines = AML.browse(known[self.commercial_partner_id.id]).with_prefetch(
                prefetch
            )
            return lines.sorted(lambda line: (line.date_maturity, line.id))
        return AML.search(
            AML._debt_eligible_overdue_domain(self.env.company)
            & Domain(
                "partner_id.commercial_partner_id", "=", self.commercial_partner_id.id
            ),
            order="date_maturity, id",
        )
