from odoo import api, fields, models
from odoo.exceptions import ValidationError


class DebtRecoveryPolicy(models.Model):
    _name = "debt.recovery.policy"
    _description = "Debt Recovery Policy"
    _order = "company_id, sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    is_default = fields.Boolean(
        string="Default Policy",
        help="Used for the customers of this company that have no policy of their own.",
    )
    level_ids = fields.One2many(
        "debt.recovery.level", "policy_id", string="Levels", copy=True
    )
    min_overdue_amount = fields.Monetary(
        string="Minimum Overdue Amount",
        currency_field="currency_id",
        help="Customers owing less than this overdue amount are not chased.",
    )
    min_days_between_contacts = fields.Integer(
        string="Minimum Days Between Contacts",
        default=7,
        help="No outbound contact is made before this many days have passed "
        "since the previous one, manual contacts included.",
    )
    max_contacts_per_week = fields.Integer(
        string="Maximum Contacts per 7 Days",
        default=2,
        help="Never more outbound contacts than this in any 7 days, manual "
        "contacts included.",
    )
    promise_grace_days = fields.Integer(
        default=3,
        help="Days after a promised payment date before the promise is checked "
        "and the ladder resumes.",
    )
    reply_hold_days = fields.Integer(
        default=5,
        help="A customer's reply holds the automated ladder until a collector "
        "reads it, at most this many days.",
    )
    send_thanks = fields.Boolean(
        string="Thank Customers Who Pay",
        default=True,
        help="A short thank-you email when a customer settles everything "
        "overdue or keeps a promise to pay.",
    )
    instalment_grace_days = fields.Integer(
        default=5,
        help="Days an instalment may stay unpaid after its due date before the "
        "payment plan is broken.",
    )
    plan_reminder_days = fields.Integer(
        default=3,
        help="Days before an instalment falls due when the customer gets a "
        "courteous reminder; 0 sends none.",
    )
    plan_reminder_template_id = fields.Many2one(
        "mail.template",
        string="Instalment Reminder Template",
        domain=[("model", "=", "debt.recovery.plan.instalment")],
        help="Empty: the standard courteous instalment reminder.",
    )
    plan_broken_template_id = fields.Many2one(
        "mail.template",
        string="Broken Plan Template",
        domain=[("model", "=", "debt.recovery.plan")],
        help="Empty: the standard notice that a payment plan is broken.",
    )
    partner_count = fields.Integer(compute="_compute_partner_count")

    _min_days_positive = models.Constraint(
        "CHECK (min_days_between_contacts >= 0 AND promise_grace_days >= 0 "
        "AND instalment_grace_days >= 0 AND reply_hold_days >= 0)",
        "Days between contacts and grace days cannot be negative.",
    )
    _plan_reminder_days_positive = models.Constraint(
        "CHECK (plan_reminder_days >= 0)",
        "The days before an instalment for its reminder cannot be negative.",
    )
    _max_contacts_positive = models.Constraint(
        "CHECK (max_contacts_per_week >= 1)",
        "A policy must allow at least one contact per 7 days.",
    )
    _min_overdue_positive = models.Constraint(
        "CHECK (min_overdue_amount >= 0)",
        "The minimum overdue amount cannot be negative.",
    )
    _default_company_uniq = models.UniqueIndex(
        "(company_id) WHERE is_default IS TRUE AND active IS TRUE",
        "A company has only one default debt recovery policy.",
    )

    @api.constrains("is_default", "level_ids", "active")
    def _check_default_has_levels(self):
        for policy in self:
            if policy.is_default and policy.active and not policy._ladder_levels():
                raise ValidationError(
                    self.env._(
                        "The default policy %(policy)s needs at least one level "
                        "from the due date on.",
                        policy=policy.display_name,
                    )
                )

    def _compute_partner_count(self):
        counts = dict(
            self.env["debt.recovery.followup"]._read_group(
                [("policy_id", "in", self.ids)],
                groupby=["policy_id"],
                aggregates=["__count"],
            )
        )
        for policy in self:
            policy.partner_count = counts.get(policy, 0)

    def _ladder(self):
        """The levels in ladder order (rule 9: without the courtesy reminder
        before the due date)."""
        self.ensure_one()
        return list(self._ladder_levels())

    def _ladder_levels(self):
        return self.level_ids.filtered(lambda level: not level._is_courtesy()).sorted()

    def _first_level(self):
        self.ensure_one()
        return self._ladder_levels()[:1]

    def _courtesy_level(self):
        """The courtesy reminder before the due date, if the policy has one."""
        self.ensure_one()
        return self.level_ids.filtered(lambda level: level._is_courtesy())[:1]

    def _target_level(self, days_overdue, ladder=None):
        """Highest level whose delay is reached (rule 1); ``ladder`` is
        ``_ladder()`` when the caller has it already."""
        ladder = self._ladder() if ladder is None else ladder
        reached = [level for level in ladder if level.days_overdue <= days_overdue]
        return reached[-1] if reached else self.env["debt.recovery.level"]

    def _next_level(self, level, ladder=None):
        """The level right above ``level``; the first level when ``level`` is
        empty."""
        ladder = self._ladder() if ladder is None else ladder
        if not level:
            return ladder[0] if ladder else self.env["debt.recovery.level"]
        key = level._ladder_key()
        above = [step for step in ladder if step._ladder_key() > key]
        return above[0] if above else self.env["debt.recovery.level"]

    @api.model
    def _default_for_company(self, company):
        return self.search(
            [("company_id", "=", company.id), ("is_default", "=", True)], limit=1
        )
