from collections.abc import Iterable

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.fields import Domain

from .debt_recovery_followup import STATUSES
from .debt_recovery_roles import COLLECTOR_GROUP

# The read-only figures of the current company's follow-up shown on a
# customer: ``{partner field: follow-up field}``.
FOLLOWUP_FIELDS = {
    "debt_status": "status",
    "debt_level_id": "level_id",
    "debt_pending_level_id": "pending_level_id",
    "debt_escalation": "escalation",
    "debt_escalation_state": "escalation_state",
    "debt_policy_id": "policy_id",
    "debt_collector_id": "collector_id",
    "debt_pause_until": "pause_until",
    "debt_pause_reason": "pause_reason",
    "debt_excluded": "excluded",
    "debt_error": "last_failure",
    "debt_priority": "priority",
    "debt_overdue_amount": "overdue_amount",
    "debt_chased_amount": "chased_amount",
    "debt_overdue_days": "overdue_days",
    "debt_last_contact_date": "last_contact_date",
    "debt_next_action_date": "next_action_date",
}


def _followup_field(name, field_type, *args, searchable=False, **kwargs):
    """A read-only field of the current company's follow-up (``name``)."""
    if searchable:
        kwargs["search"] = f"_search_debt_{name}"
    return field_type(*args, compute="_compute_debt_followup", readonly=True, **kwargs)


class ResPartner(models.Model):
    _inherit = "res.partner"

    # Debt recovery is the collectors' business: nobody else (billing users,
    # portal users reading their own contact) reads any of it.
    debt_followup_ids = fields.One2many(
        "debt.recovery.followup",
        "partner_id",
        string="Follow-ups",
        readonly=True,
        groups=COLLECTOR_GROUP,
    )
    debt_followup_id = fields.Many2one(
        "debt.recovery.followup",
        string="Follow-up",
        groups=COLLECTOR_GROUP,
        compute="_compute_debt_followup",
        help="This customer's follow-up in the current company.",
    )
    debt_status = _followup_field(
        "status", fields.Selection, STATUSES, string="Recovery Status", searchable=True
    )
    debt_level_id = _followup_field(
        "level_id",
        fields.Many2one,
        "debt.recovery.level",
        string="Recovery Level",
        searchable=True,
    )
    debt_pending_level_id = _followup_field(
        "pending_level_id",
        fields.Many2one,
        "debt.recovery.level",
        string="Level to Review",
    )
    debt_escalation = _followup_field(
        "escalation",
        fields.Selection,
        selection="_debt_escalation_selection",
        string="Escalation",
    )
    debt_escalation_state = _followup_field(
        "escalation_state",
        fields.Selection,
        selection="_debt_escalation_state_selection",
        string="Escalation State",
    )
    debt_policy_id = _followup_field(
        "policy_id",
        fields.Many2one,
        "debt.recovery.policy",
        string="Recovery Policy",
        searchable=True,
    )
    debt_collector_id = _followup_field(
        "collector_id",
        fields.Many2one,
        "res.users",
        string="Collector",
        searchable=True,
    )
    debt_pause_until = _followup_field(
        "pause_until", fields.Date, string="Paused Until"
    )
    debt_pause_reason = _followup_field(
        "pause_reason", fields.Char, string="Pause Reason"
    )
    debt_excluded = _followup_field(
        "excluded", fields.Boolean, string="Excluded from Debt Recovery"
    )
    debt_error = _followup_field("last_failure", fields.Text, string="Last Failure")
    debt_priority = _followup_field("priority", fields.Float, string="Priority")
    debt_currency_id = fields.Many2one("res.currency", compute="_compute_debt_followup")
    debt_overdue_amount = _followup_field(
        "overdue_amount",
        fields.Monetary,
        string="Overdue Amount",
        currency_field="debt_currency_id",
    )
    debt_chased_amount = _followup_field(
        "chased_amount",
        fields.Monetary,
        string="Chased Amount",
        currency_field="debt_currency_id",
    )
    debt_overdue_days = _followup_field(
        "overdue_days", fields.Integer, string="Days Overdue"
    )
    debt_last_contact_date = _followup_field(
        "last_contact_date", fields.Datetime, string="Last Contact"
    )
    debt_next_action_date = _followup_field(
        "next_action_date", fields.Date, string="Next Action"
    )
    debt_interaction_count = fields.Integer(
        compute="_compute_debt_interaction_count", groups=COLLECTOR_GROUP
    )
    debt_plan_count = fields.Integer(
        string="Payment Plan Count",
        compute="_compute_debt_plan_count",
        groups=COLLECTOR_GROUP,
    )
    debt_plan_ids = fields.One2many(
        "debt.recovery.plan",
        "partner_id",
        string="Payment Plans",
        readonly=True,
        groups=COLLECTOR_GROUP,
    )
    debt_interaction_ids = fields.Many2many(
        "debt.recovery.interaction",
        string="Debt Recovery History",
        compute="_compute_debt_interaction_ids",
        groups=COLLECTOR_GROUP,
        help="Every contact and event of this customer's follow-up in the "
        "current company, newest first.",
    )

    @api.model
    def _debt_escalation_selection(self):
        return self.env["debt.recovery.followup"]._fields["escalation"].selection

    @api.model
    def _debt_escalation_state_selection(self):
        return self.env["debt.recovery.followup"]._fields["escalation_state"].selection

    # ------------------------------------------------------------------
    # The current company's follow-up
    # ------------------------------------------------------------------
    @api.depends(
        "commercial_partner_id",
        *(
            f"commercial_partner_id.debt_followup_ids.{f}"
            for f in FOLLOWUP_FIELDS.values()
        ),
    )
    @api.depends_context("company")
    def _compute_debt_followup(self):
        Followup = self.env["debt.recovery.followup"]
        followups = Followup.search(
            [
                ("partner_id", "in", self.commercial_partner_id.ids),
                ("company_id", "=", self.env.company.id),
            ]
        )
        by_partner = {followup.partner_id: followup for followup in followups}
        for partner in self:
            followup = by_partner.get(partner.commercial_partner_id, Followup)
            partner.debt_followup_id = followup
            partner.debt_currency_id = self.env.company.currency_id
            for name, source in FOLLOWUP_FIELDS.items():
                value = followup[source] if followup else False
                if name == "debt_status" and not value:
                    value = "up_to_date"
                partner[name] = value

    def _debt_search_followup(self, field, operator, value):
        """Customers whose current company's follow-up has ``field``
        ``operator`` ``value``; a customer without one counts as up to date,
        with nothing set."""
        followups = Domain("company_id", "=", self.env.company.id)
        matching = Domain(
            "debt_followup_ids", "any", followups & Domain(field, operator, value)
        )
        empty = "up_to_date" if field == "status" else False
        many = isinstance(value, Iterable) and not isinstance(value, str)
        values = set(value) if many else {value}
        if not empty:
            values = {bool(v) for v in values}
        if operator in ("=", "in"):
            matches_empty = empty in values
        elif operator in ("!=", "not in"):
            matches_empty = empty not in values
        else:
            matches_empty = False
        if not matches_empty:
            return matching
        return matching | Domain("debt_followup_ids", "not any", followups)

    def _search_debt_status(self, operator, value):
        return self._debt_search_followup("status", operator, value)

    def _search_debt_level_id(self, operator, value):
        return self._debt_search_followup("level_id", operator, value)

    def _search_debt_policy_id(self, operator, value):
        return self._debt_search_followup("policy_id", operator, value)

    def _search_debt_collector_id(self, operator, value):
        return self._debt_search_followup("collector_id", operator, value)

    # ------------------------------------------------------------------
    def _debt_followup(self):
        """This customer's follow-up in the current company, created when
        needed."""
        partners = self._debt_commercial_partners()
        return self.env["debt.recovery.followup"]._for_partners(partners)

    def _debt_policy(self):
        """The policy that applies to this customer in the current company."""
        self.ensure_one()
        followup = self.commercial_partner_id.debt_followup_id
        if followup:
            return followup._policy()
        return (
            self.env["debt.recovery.policy"]
            .sudo()
            ._default_for_company(self.env.company)
        )

    def _debt_collector(self):
        self.ensure_one()
        followup = self.commercial_partner_id.debt_followup_id
        return followup._collector() if followup else self.commercial_partner_id.user_id

    def _debt_commercial_partners(self):
        partners = self.commercial_partner_id
        if not partners:
            raise UserError(self.env._("Select at least one customer."))
        return partners

    def write(self, vals):
        # A customer's follow-up is not contact data: nobody changes it by
        # editing the contact, whatever their rights.
        if any(name.startswith("debt_") for name in vals):
            raise AccessError(
                self.env._(
                    "The follow-up of a customer changes only through its debt "
                    "recovery actions (pause, assign, send, approve...)."
                )
            )
        return super().write(vals)

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

    def _debt_overdue_lines(self):
        """Chased overdue items of this customer in the current company,
        oldest first (what a reminder lists when rendered on its own)."""
        AML = self.env["account.move.line"]
        return AML.search(
            AML._debt_eligible_overdue_domain(self.env.company)
            & Domain(
                "partner_id.commercial_partner_id", "=", self.commercial_partner_id.id
            ),
            order="date_maturity, id",
        )
