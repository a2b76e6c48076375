from odoo import api, fields, models
from odoo.exceptions import ValidationError

TONES = [
    ("courteous", "Courteous"),
    ("firm", "Firm"),
    ("formal", "Formal"),
    ("final", "Final"),
]
# Days a customer is given to pay, per tone: the letters and emails turn
# them into a date ("please pay by ..."); courteous reminders set none.
TONE_REPLY_DAYS = {"courteous": 0, "firm": 7, "formal": 10, "final": 14}
# Colour index (web client palette) per tone, for the worklist kanban:
# green, yellow, orange, red.
TONE_COLORS = {"courteous": 10, "firm": 3, "formal": 2, "final": 1}
ESCALATIONS = [
    ("none", "None"),
    ("agency", "Collection Agency"),
    ("legal", "Legal Action"),
    ("write_off", "Write-off Review"),
]


class DebtRecoveryLevel(models.Model):
    _name = "debt.recovery.level"
    _description = "Debt Recovery Level"
    _order = "policy_id, days_overdue, sequence, id"
    _check_company_auto = True

    policy_id = fields.Many2one(
        "debt.recovery.policy",
        required=True,
        index=True,
        ondelete="cascade",
        check_company=True,
    )
    company_id = fields.Many2one(
        related="policy_id.company_id", store=True, index=True, precompute=True
    )
    sequence = fields.Integer(default=10)
    name = fields.Char(required=True, translate=True)
    tone = fields.Selection(TONES, required=True, default="courteous")
    color = fields.Integer(
        compute="_compute_color", help="Colour of the tone in the worklist kanban."
    )
    days_overdue = fields.Integer(
        required=True,
        help="Days overdue of the oldest overdue item from which this level applies.",
    )
    execution = fields.Selection(
        [("auto", "Automatic"), ("review", "Review Before Sending")],
        required=True,
        default="auto",
        help="Automatic levels run their actions in the daily run; the others "
        "wait in the collectors' worklist until someone sends them.",
    )
    send_email = fields.Boolean()
    mail_template_id = fields.Many2one(
        "mail.template",
        domain=[("model", "=", "res.partner")],
    )
    produce_letter = fields.Boolean(
        help="Prepare a letter to print for the customer when this level is reached."
    )
    letter_body = fields.Html(
        translate=True,
        help="Body of the letter printed at this level.",
    )
    attach_letter = fields.Boolean(
        string="Attach the Letter to the Email",
        help="The email of this level carries the letter as a PDF attachment.",
    )
    schedule_activity = fields.Boolean()
    activity_type_id = fields.Many2one("mail.activity.type")
    activity_summary = fields.Char(translate=True)
    activity_user_mode = fields.Selection(
        [("collector", "Customer's Collector"), ("fixed", "Specific User")],
        string="Activity Assigned To",
        default="collector",
    )
    activity_user_id = fields.Many2one("res.users")
    activity_delay_days = fields.Integer(string="Activity Due In (Days)")
    escalation = fields.Selection(
        ESCALATIONS,
        string="Proposed Escalation",
        required=True,
        default="none",
        help="Escalations are never automatic: the run proposes them and a "
        "manager approves or rejects them.",
    )

    _days_overdue_positive = models.Constraint(
        "CHECK (days_overdue >= 0)",
        "The number of overdue days of a level cannot be negative.",
    )
    _days_overdue_policy_uniq = models.UniqueIndex(
        "(policy_id, days_overdue)",
        "Two levels of the same policy cannot start on the same day.",
    )

    @api.depends("tone")
    def _compute_color(self):
        for level in self:
            level.color = TONE_COLORS.get(level.tone, 0)

    @api.constrains("send_email", "mail_template_id")
    def _check_mail_template(self):
        for level in self:
            template = level.mail_template_id
            if template and template.model != "res.partner":
                raise ValidationError(
                    self.env._(
                        "The email template of level %(level)s must be made for "
                        "contacts, not for %(model)s.",
                        level=level.name,
                        model=template.model_id.name,
                    )
                )
            if level.send_email and not template:
                raise ValidationError(
                    self.env._(
                        "Level %(level)s sends an email: choose its email template.",
                        level=level.name,
                    )
                )

    @api.constrains("schedule_activity", "activity_type_id", "activity_user_mode")
    def _check_activity(self):
        for level in self:
            if level.schedule_activity and not level.activity_type_id:
                raise ValidationError(
                    self.env._(
                        "Level %(level)s schedules an activity: choose its type.",
                        level=level.name,
                    )
                )
            if (
                level.schedule_activity
                and level.activity_user_mode == "fixed"
                and not level.activity_user_id
            ):
                raise ValidationError(
                    self.env._(
                        "Level %(level)s assigns its activity to a specific user: "
                        "choose the user.",
                        level=level.name,
                    )
                )

    def _ladder_key(self):
        self.ensure_one()
        return (self.days_overdue, self.sequence, self.id)

    def _is_above(self, other):
        """True when ``self`` is above ``other`` on the ladder (or ``other``
        is empty)."""
        self.ensure_one()
        return not other or self._ladder_key() > other._ladder_key()


def escalation_label(env, escalation):
    """The label of an escalation kind, in the user's language."""
    selection = dict(
        env["debt.recovery.level"]._fields["escalation"]._description_selection(env)
    )
    return selection.get(escalation, escalation or "")
