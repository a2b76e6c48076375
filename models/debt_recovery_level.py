from odoo import api, fields, models
from odoo.exceptions import ValidationError

TONES = [
    ("courteous", "Courteous"),
    ("firm", "Firm"),
    ("formal", "Formal"),
    ("final", "Final"),
]
# Rule 9: the earliest a courtesy reminder goes out, in days before the due
# date.
MAX_COURTESY_DAYS = 30
# Days a customer is given to pay, proposed per tone for a new level; a
# courteous reminder sets no deadline.
TONE_DEADLINE_DAYS = {"courteous": 0, "firm": 7, "formal": 10, "final": 14}
# The standard words of a tone (QWeb, translatable), used where a level's
# own words are left empty.
STANDARD_TEXT = "account_debt_recovery.level_text_%s"
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
        help="Days overdue of the oldest overdue item from which this level "
        "applies. Negative: a courtesy reminder, that many days before an "
        "invoice falls due (not a step of the ladder).",
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
        default=lambda self: self._default_mail_template(),
        domain=[("model", "=", "debt.recovery.followup")],
    )
    copy_collector = fields.Boolean(
        string="Copy the Collector",
        help="The customer's collector gets a copy of the email.",
    )
    produce_letter = fields.Boolean(
        help="Prepare a letter to print for the customer when this level is reached."
    )
    # The words of the level, around the shared body of its emails and
    # letters (invoices, credits, net amount, how to pay, signature).
    email_subject = fields.Char(
        translate=True,
        help="Subject of the email, after the company's name. Empty: the "
        "standard subject of the tone.",
    )
    title = fields.Char(
        string="Letter Title",
        translate=True,
        help="Title of the letter. Empty: the standard title of the tone.",
    )
    opening = fields.Html(
        translate=True,
        help="What the email and the letter say before the overdue invoices. "
        "Empty: the standard words of the tone.",
    )
    closing = fields.Html(
        translate=True,
        help="What the email and the letter say after how to pay, before the "
        "signature. Empty: the standard words of the tone.",
    )
    deadline_days = fields.Integer(
        string="Days to Pay",
        compute="_compute_deadline_days",
        store=True,
        readonly=False,
        precompute=True,
        help="Days the customer is given to pay, shown as a date; 0 sets no deadline.",
    )
    deadline_text = fields.Char(
        string="Deadline Sentence",
        translate=True,
        help="The sentence that gives the deadline, {date} standing for the "
        "date. Empty: the standard sentence of the tone.",
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

    _deadline_days_positive = models.Constraint(
        "CHECK (deadline_days >= 0)",
        "The days given to pay cannot be negative.",
    )
    _days_overdue_range = models.Constraint(
        f"CHECK (days_overdue >= -{MAX_COURTESY_DAYS})",
        "A courtesy reminder goes out at most 30 days before the due date.",
    )
    _days_overdue_policy_uniq = models.UniqueIndex(
        "(policy_id, days_overdue)",
        "Two levels of the same policy cannot start on the same day.",
    )

    def _default_mail_template(self):
        return self.env.ref(
            "account_debt_recovery.mail_template_debt_recovery",
            raise_if_not_found=False,
        )

    @api.depends("tone")
    def _compute_deadline_days(self):
        for level in self:
            level.deadline_days = TONE_DEADLINE_DAYS.get(level.tone, 0)

    @api.constrains("deadline_text")
    def _check_deadline_text(self):
        for level in self:
            if level.deadline_text and "{date}" not in level.deadline_text:
                raise ValidationError(
                    self.env._(
                        "The deadline sentence of level %(level)s must say where the "
                        "date goes, with {date}.",
                        level=level.name,
                    )
                )

    @api.depends("tone")
    def _compute_color(self):
        for level in self:
            level.color = TONE_COLORS.get(level.tone, 0)

    @api.constrains("send_email", "mail_template_id")
    def _check_mail_template(self):
        for level in self:
            template = level.mail_template_id
            if template and template.model != "debt.recovery.followup":
                raise ValidationError(
                    self.env._(
                        "The email template of level %(level)s must be made for "
                        "follow-ups, not for %(model)s.",
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

    @api.constrains(
        "days_overdue",
        "policy_id",
        "execution",
        "send_email",
        "produce_letter",
        "attach_letter",
        "schedule_activity",
        "escalation",
    )
    def _check_courtesy(self):
        """Rule 9: a courtesy reminder (negative days) is one friendly email
        before the due date, sent by the run: one per policy, no letter, no
        activity, no escalation, no review."""
        for level in self.filtered(lambda level: level._is_courtesy()):
            if (
                len(
                    level.policy_id.level_ids.filtered(
                        lambda other: other._is_courtesy()
                    )
                )
                > 1
            ):
                raise ValidationError(
                    self.env._(
                        "Policy %(policy)s has more than one courtesy reminder "
                        "(a level with negative days): keep one.",
                        policy=level.policy_id.display_name,
                    )
                )
            if (
                not level.send_email
                or level.execution != "auto"
                or level.produce_letter
                or level.attach_letter
                or level.schedule_activity
                or level.escalation != "none"
            ):
                raise ValidationError(
                    self.env._(
                        "Level %(level)s is a courtesy reminder before the due date "
                        "(negative days): it sends an email automatically, with no "
                        "letter, activity or escalation.",
                        level=level.name,
                    )
                )

    def _is_courtesy(self):
        """Rule 9: a level with negative days is a courtesy reminder before
        the due date, not a step of the ladder."""
        self.ensure_one()
        return self.days_overdue < 0

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
