from markupsafe import Markup, escape

from odoo import api, fields, models


class DebtRecoveryPolicyWizard(models.TransientModel):
    """Follow customers with another policy, saying first what happens to
    the level each has reached."""

    _name = "debt.recovery.policy.wizard"
    _description = "Change the Debt Recovery Policy"
    _inherit = ["debt.recovery.customers.wizard"]

    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    policy_id = fields.Many2one(
        "debt.recovery.policy",
        string="New Policy",
        domain="[('company_id', '=', company_id)]",
        help="Empty: the company's default policy.",
    )
    consequence = fields.Html(
        string="What Happens",
        compute="_compute_consequence",
        sanitize=False,
        help="The level each customer keeps on the new policy, and its next step.",
    )

    @api.depends("partner_ids", "policy_id")
    def _compute_consequence(self):
        for wizard in self:
            # the customers' follow-ups as they are (none yet: no level)
            followups = self.env["debt.recovery.followup"].search(
                [
                    ("partner_id", "in", wizard.partner_ids._origin.ids),
                    ("company_id", "=", wizard.company_id.id),
                ]
            )
            lines = [wizard._consequence_of(followup) for followup in followups]
            wizard.consequence = Markup("<ul>%s</ul>") % Markup("").join(
                Markup("<li>%s</li>") % escape(line) for line in lines
            )

    def _consequence_of(self, followup):
        """What the change means for ``followup``, in a sentence (the level
        is kept as a position on the new ladder: ``_equivalent_level``)."""
        _ = self.env._
        customer = followup.partner_id.display_name
        policy = self.policy_id or followup._policy_default()
        if policy == followup._policy():
            return _("%(customer)s already follows this policy.", customer=customer)
        if not followup.level_id:
            first = policy._first_level()
            return _(
                "%(customer)s has reached no level yet: the first step on "
                "%(policy)s is %(next)s.",
                customer=customer,
                policy=policy.name,
                next=first.name or "-",
            )
        level = followup._equivalent_level(self.policy_id)
        following = policy._next_level(level)
        return _(
            "%(customer)s keeps its place: %(old)s becomes %(new)s on "
            "%(policy)s; the next step is %(next)s.",
            customer=customer,
            old=followup.level_id.name,
            new=level.name or _("no level (before the first one)"),
            policy=policy.name,
            next=following.name or _("none (the last level is reached)"),
        )

    def action_apply(self):
        self.ensure_one()
        self._followups()._set_policy(self.policy_id)
        return {"type": "ir.actions.act_window_close"}
