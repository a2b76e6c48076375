from odoo import fields, models


class DebtRecoveryPolicy(models.Model):
    """What a customer may do on their own page, within limits the policy
    sets: how far a promise or a plan may start, how long and how small a
    plan may be, what is accepted without a collector, and how long the
    link lives after the customer settled."""

    _inherit = "debt.recovery.policy"

    portal_horizon_days = fields.Integer(
        string="Customer's Page Horizon (Days)",
        default=30,
        help="On their page, a customer may promise to pay, or start a payment "
        "plan, at the latest this many days from today.",
    )
    portal_plan_max_instalments = fields.Integer(
        string="Maximum Instalments",
        default=6,
        help="The most instalments a customer may propose on their page.",
    )
    portal_plan_max_days = fields.Integer(
        string="Maximum Plan Length (Days)",
        default=180,
        help="The last instalment a customer proposes falls due at the latest "
        "this many days from today.",
    )
    portal_plan_min_instalment = fields.Monetary(
        string="Minimum Instalment",
        currency_field="currency_id",
        default=50.0,
        help="No instalment a customer proposes may be smaller (in the "
        "currency of the invoices).",
    )
    portal_plan_auto_instalments = fields.Integer(
        string="Accepted at Once up to (Instalments)",
        default=3,
        help="A plan the customer proposes with at most this many instalments "
        "(and within the length and amount below) is activated at once; "
        "0: every proposal waits for a collector.",
    )
    portal_plan_auto_days = fields.Integer(
        string="Accepted at Once up to (Days)",
        default=90,
        help="... and whose last instalment falls due within this many days.",
    )
    portal_plan_auto_amount = fields.Monetary(
        string="Accepted at Once up to (Amount)",
        currency_field="currency_id",
        # a large debt is spread with a collector, not alone on the page
        default=5000.0,
        help="... and whose total is at most this amount; 0: any amount.",
    )
    portal_proposal_hold_days = fields.Integer(
        string="Proposal Holds the Ladder (Days)",
        default=5,
        help="While a plan the customer proposed waits for a collector, the "
        "ladder holds for this many days.",
    )
    portal_link_days = fields.Integer(
        string="Link Valid after Settlement (Days)",
        default=30,
        help="The customer's link keeps working this many days after they "
        "settled everything; the next reminder brings it back.",
    )

    _portal_limits_positive = models.Constraint(
        "CHECK (portal_horizon_days >= 0 AND portal_plan_max_instalments >= 1 "
        "AND portal_plan_max_days >= 0 AND portal_plan_min_instalment >= 0 "
        "AND portal_plan_auto_instalments >= 0 AND portal_plan_auto_days >= 0 "
        "AND portal_plan_auto_amount >= 0 AND portal_proposal_hold_days >= 0 "
        "AND portal_link_days >= 0)",
        "The limits of the customer's page cannot be negative, and a plan has "
        "at least one instalment.",
    )
