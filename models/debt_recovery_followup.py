from odoo import api, fields, models

from .debt_recovery_level import ESCALATIONS
from .debt_recovery_workflow import check_workflow, workflow

# The status of a follow-up, in order of precedence: the first that holds is
# the status (see ``_compute_status``).
STATUSES = [
    ("excluded", "Excluded"),
    ("paused", "Paused"),
    ("escalated", "Escalated"),
    ("escalation_proposed", "Escalation Proposed"),
    ("disputed", "Disputed"),
    ("plan", "In Payment Plan"),
    ("promise", "Promise to Pay"),
    ("replied", "Customer Replied"),
    ("to_review", "Action to Review"),
    ("overdue", "Overdue"),
    ("below_minimum", "Below Minimum"),
    ("up_to_date", "Up to Date"),
]
ESCALATION_STATES = [
    ("proposed", "Proposed"),
    ("approved", "Approved"),
    ("rejected", "Rejected"),
]
# Collectors may write a follow-up only to work its chatter and activities:
# every field of its own is its state, written only by its methods
# (``_write_state``), never by ``write`` from outside, whatever the rights.
MAIL_FIELDS = ("mail.thread", "mail.activity.mixin")


class DebtRecoveryFollowup(models.Model):
    """The follow-up of one customer (commercial partner) by one company: the
    single owner of its ladder state. Its status is computed from facts; the
    state changes only through its methods, each checking the role and
    logging what it did."""

    _name = "debt.recovery.followup"
    _description = "Debt Recovery Follow-up"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "priority desc, id"
    _check_company_auto = True
    _rec_names_search = ["partner_id"]
    # Collectors read follow-ups; they post notes and work activities on them.
    _mail_post_access = "read"

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        readonly=True,
        index=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, index=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    is_company = fields.Boolean(related="partner_id.is_company")
    email = fields.Char(related="partner_id.email")
    phone = fields.Char(related="partner_id.phone")
    policy_id = fields.Many2one(
        "debt.recovery.policy",
        readonly=True,
        check_company=True,
        help="Empty: the company's default policy.",
    )
    level_id = fields.Many2one(
        "debt.recovery.level", readonly=True, index="btree_not_null"
    )
    level_color = fields.Integer(related="level_id.color", string="Level Colour")
    pending_level_id = fields.Many2one(
        "debt.recovery.level",
        string="Level to Review",
        readonly=True,
        help="Level whose actions wait for a collector to review and send them.",
    )
    escalation = fields.Selection(ESCALATIONS, readonly=True)
    escalation_state = fields.Selection(ESCALATION_STATES, readonly=True)
    collector_id = fields.Many2one(
        "res.users", readonly=True, index="btree_not_null", tracking=True
    )
    pause_until = fields.Date(readonly=True, tracking=True)
    pause_reason = fields.Char(readonly=True)
    excluded = fields.Boolean(
        string="Excluded from Debt Recovery", readonly=True, tracking=True
    )
    exclusion_reason = fields.Char(readonly=True)
    next_action_date = fields.Date(string="Next Action", readonly=True)
    last_evaluation_date = fields.Date(
        readonly=True, help="Date of the daily run that last evaluated this customer."
    )
    last_failure = fields.Text(
        readonly=True, help="Why the last follow-up action for this customer failed."
    )
    last_failure_date = fields.Date(readonly=True)
    priority = fields.Float(
        readonly=True,
        aggregator="sum",
        help="Overdue amount × days overdue: the order of the worklist.",
    )
    reply_pending_since = fields.Date(
        readonly=True,
        help="The customer replied on this day; the automated ladder waits for "
        "a collector to read it.",
    )
    # Figures of the receivable ledger (company currency), refreshed by the
    # daily run and by every action that changes them.
    overdue_amount = fields.Monetary(
        string="Overdue",
        readonly=True,
        help="Everything overdue under follow-up, disputed and planned invoices "
        "included, net of unallocated credit notes and payments (items Odoo "
        "excludes from follow-ups left out).",
    )
    chased_amount = fields.Monetary(
        string="Chased",
        readonly=True,
        help="What the ladder chases: the overdue amount without disputed "
        "invoices and invoices in a payment plan, net of unallocated credits: "
        "the net amount asked.",
    )
    oldest_due_date = fields.Date(
        readonly=True, help="Due date of the oldest overdue item."
    )
    overdue_days = fields.Integer(
        string="Days Overdue",
        compute="_compute_overdue_days",
        help="Days overdue of the oldest overdue item.",
    )
    below_minimum = fields.Boolean(
        readonly=True, help="What is chased is below the policy's minimum amount."
    )
    status = fields.Selection(
        STATUSES,
        compute="_compute_status",
        store=True,
        index=True,
    )
    interaction_ids = fields.One2many(
        "debt.recovery.interaction", "followup_id", string="History"
    )
    plan_ids = fields.One2many(
        "debt.recovery.plan", "followup_id", string="Payment Plans"
    )
    last_contact_date = fields.Datetime(
        string="Last Contact",
        compute="_compute_last_contact_date",
        store=True,
        help="Last contact with the customer, either way, by any channel but an "
        "internal note; failed deliveries are not contacts.",
    )
    promise_date = fields.Date(
        compute="_compute_promise", help="Date of the open promise to pay."
    )

    _partner_company_uniq = models.UniqueIndex(
        "(partner_id, company_id)",
        "A customer has one follow-up per company.",
    )

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------
    @api.depends("partner_id")
    def _compute_display_name(self):
        for followup in self:
            followup.display_name = followup.partner_id.display_name or ""

    @api.depends("oldest_due_date")
    def _compute_overdue_days(self):
        today = fields.Date.context_today(self)
        for followup in self:
            oldest = followup.oldest_due_date
            followup.overdue_days = max((today - oldest).days, 0) if oldest else 0

    def _open_counts(self, model, domain):
        """``{followup_id: count}`` of ``model`` records matching ``domain``."""
        groups = (
            self.env[model]
            .sudo()
            ._read_group(
                [("followup_id", "in", self.ids), *domain],
                groupby=["followup_id"],
                aggregates=["__count"],
            )
        )
        return {followup.id: count for followup, count in groups}

    @api.depends(
        "excluded",
        "pause_until",
        "escalation_state",
        "overdue_amount",
        "chased_amount",
        "below_minimum",
        "pending_level_id",
        "reply_pending_since",
        "interaction_ids.promise_state",
        "interaction_ids.dispute_state",
        "plan_ids.state",
        "plan_ids.proposal_hold_until",
    )
    def _compute_status(self):
        """One precedence list, from the facts: the first that holds."""
        followups = self.filtered("id")
        disputes = followups._open_counts(
            "debt.recovery.interaction", [("dispute_state", "=", "open")]
        )
        promises = followups._open_counts(
            "debt.recovery.interaction", [("promise_state", "=", "open")]
        )
        plans = followups._open_counts("debt.recovery.plan", [("state", "=", "active")])
        # a plan the customer proposed, waiting for a collector, holds the
        # ladder as a promise does
        proposals = followups._open_counts(
            "debt.recovery.plan",
            [("state", "=", "draft"), ("proposal_hold_until", "!=", False)],
        )
        currency_zero = self.env.company.currency_id.is_zero
        for followup in self:
            key = followup.id
            nothing_chased = currency_zero(followup.chased_amount)
            if followup.excluded:
                status = "excluded"
            elif followup.pause_until:
                status = "paused"
            elif followup.escalation_state == "approved":
                status = "escalated"
            elif followup.escalation_state == "proposed":
                status = "escalation_proposed"
            elif nothing_chased and disputes.get(key) and not plans.get(key):
                status = "disputed"
            elif nothing_chased and plans.get(key):
                status = "plan"
            elif promises.get(key) or proposals.get(key):
                status = "promise"
            elif followup.reply_pending_since:
                status = "replied"
            elif followup.pending_level_id:
                status = "to_review"
            elif not nothing_chased and followup.below_minimum:
                status = "below_minimum"
            elif not nothing_chased:
                status = "overdue"
            else:
                status = "up_to_date"
            followup.status = status

    @api.depends(
        "interaction_ids.date",
        "interaction_ids.channel",
        "interaction_ids.direction",
        "interaction_ids.delivery_failed",
    )
    def _compute_last_contact_date(self):
        Interaction = self.env["debt.recovery.interaction"].sudo()
        groups = Interaction._read_group(
            [("followup_id", "in", self.filtered("id").ids)]
            + Interaction._contact_domain(),
            groupby=["followup_id"],
            aggregates=["date:max"],
        )
        last = {followup.id: date for followup, date in groups}
        for followup in self:
            followup.last_contact_date = last.get(followup.id, False)

    def _compute_promise(self):
        promises = self.env["debt.recovery.interaction"]._open_promises(self)
        for followup in self:
            followup.promise_date = promises.get(
                followup, self.env["debt.recovery.interaction"]
            ).promise_date

    # ------------------------------------------------------------------
    # The guard: state moves through the methods only
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_workflow(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._check_workflow(vals)
        return super().write(vals)

    def _check_workflow(self, vals):
        mail_fields = set()
        for model in MAIL_FIELDS:
            mail_fields.update(self.env[model]._fields)
        check_workflow(
            self,
            vals,
            set(self._fields) - mail_fields,
            self.env._(
                "The follow-up of a customer changes only through its actions "
                "(pause, assign, send, approve...), which check who you are and "
                "log what they do."
            ),
        )

    def _workflow(self):
        """``self`` allowed to write its state: for this model's methods only,
        after they checked the caller's role."""
        return workflow(self)

    def _write_state(self, vals):
        return self._workflow().write(vals)

    def _policy(self):
        """The policy that applies: the follow-up's own, else the company's
        default policy."""
        self.ensure_one()
        return self.policy_id or self.env[
            "debt.recovery.policy"
        ].sudo()._default_for_company(self.company_id)

    def _policies(self):
        """``{followup: policy}`` for a batch (one search per company)."""
        Policy = self.env["debt.recovery.policy"].sudo()
        defaults = {
            company: Policy._default_for_company(company) for company in self.company_id
        }
        return {
            followup: followup.policy_id or defaults[followup.company_id]
            for followup in self
        }

    def _collector(self):
        """Who works this customer: its collector, else its salesperson."""
        self.ensure_one()
        return self.collector_id or self.partner_id.user_id
