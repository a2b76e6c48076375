import logging
import traceback
from datetime import timedelta

from odoo import api, models
from odoo.exceptions import UserError
from odoo.tools import email_normalize, groupby

from . import reminder_body

_logger = logging.getLogger(__name__)


class DebtRecoveryDispatch(models.AbstractModel):
    """Act: the emails, letters and activities of the levels reached, and the
    notices of payment plans, with one failure policy. Work travels as one
    dict per follow-up (``{followup: data}``); what is produced is added to
    the dict (``mail``, ``letter``), a failure too (``error``), so that one
    customer's failure never stops the others."""

    _name = "debt.recovery.dispatch"
    _description = "Debt Recovery Dispatcher"

    @api.model
    def _run_levels(self, steps, today):
        """Run the actions of each step's level, once (rule 4).

        ``steps``: ``{followup: {"level", "lines", "amount", ...}}``.
        Returns ``(done, failed)``, both ``{followup: data}``; a failed data
        has its ``error`` in words. A reminder that cannot be emailed (no
        valid address) is no contact: the step falls back to a letter to
        print (``data["address_error"]``) and the failure is recorded.
        """
        Followup = self.env["debt.recovery.followup"]
        followups = Followup.union(*steps)
        contacts = Followup._invoice_contacts(followups.partner_id)
        for followup, data in steps.items():
            partner = followup.partner_id
            data["recipients"] = followup._debt_recipients(
                contacts.get(partner, partner)
            )
            if data["level"].send_email:
                data["address_error"] = self._address_error(partner, data["recipients"])
        ready = {f: d for f, d in steps.items() if not d.get("error")}
        self._isolated(self._run_levels_batch, ready, today)
        return (
            {f: d for f, d in steps.items() if not d.get("error")},
            {f: d for f, d in steps.items() if d.get("error")},
        )

    @api.model
    def _isolated(self, method, batch, *args):
        """Run ``method(batch, *args)`` in one savepoint; if it fails, run it
        for each item alone so that the failure stays on its item (rolled
        back, with its error on the item's data)."""
        if not batch:
            return
        try:
            with self.env.cr.savepoint():
                method(batch, *args)
            return
        except Exception as error:  # noqa: BLE001 - isolated below, item by item
            _logger.info("Debt recovery: batch failed, retried item by item: %s", error)
            if len(batch) == 1:
                (data,) = batch.values()
                data["error"] = self._error_message(error)
                _logger.info("Debt recovery: action failed: %s", data["error"])
                return
        for key, data in batch.items():
            data.pop("mail", None)
            data.pop("letter", None)
            self._isolated(method, {key: data}, *args)

    @api.model
    def _address_error(self, partner, recipients):
        """Why ``recipients`` cannot receive an email, in words, or False."""
        if not any(recipients.mapped("email")):
            return self.env._(
                "%(partner)s has no email address.", partner=partner.display_name
            )
        valid = recipients.filtered(lambda r: email_normalize(r.email or ""))
        if not valid:
            return self.env._(
                "The email address of %(partner)s is not valid: %(email)s.",
                partner=partner.display_name,
                email=", ".join(recipients.mapped("email")),
            )
        return False

    @api.model
    def _run_levels_batch(self, batch, today):
        for level, items in groupby(batch.items(), key=lambda item: item[1]["level"]):
            level_batch = dict(items)
            emailed = {
                followup: data
                for followup, data in level_batch.items()
                if not data.get("address_error")
            }
            if level.send_email and emailed:
                if level.attach_letter:
                    self._render_letters(level, emailed, today)
                self._queue_emails(level, emailed, today)
            if level.schedule_activity:
                self._schedule_activities(level, level_batch, today)

    # ------------------------------------------------------------------
    # Emails
    # ------------------------------------------------------------------
    @api.model
    def _queue_emails(self, level, batch, today=None):
        """Queue the level's email for each customer, in its language, with
        its letter attached when the level says so. What each email shows is
        read for the whole batch, as on the run's day, and handed to the
        rendering (``debt_documents``)."""
        followups = self.env["debt.recovery.followup"].union(*batch)
        documents = followups._document_values(
            dict.fromkeys(followups, level),
            today,
            chased={f: (data["lines"], data["amount"]) for f, data in batch.items()},
        )
        template = level.mail_template_id.with_company(self.env.company)
        mails = self._queue_template(
            template,
            followups.ids,
            add_context={
                "debt_documents": {f.id: values for f, values in documents.items()}
            },
            recipients={
                f.id: data["recipients"].filtered(
                    lambda r: email_normalize(r.email or "")
                )
                for f, data in batch.items()
            },
            copies={
                f.id: f._collector().email_formatted
                for f in followups
                if level.copy_collector and f._collector().email
            },
        )
        for followup, data in batch.items():
            mail = mails[followup.id]
            data["mail"] = mail
            if data.get("letter"):
                mail.attachment_ids = [(4, data["letter"].id)]

    @api.model
    def _queue_template(
        self,
        template,
        res_ids,
        add_context=None,
        email_values=None,
        recipients=None,
        copies=None,
        record_values=None,
    ):
        """``{res_id: mail.mail}``: ``template`` rendered for ``res_ids`` (each
        field compiled once per language for the batch), with
        ``add_context`` given to the rendering, and queued. ``recipients``
        (``{res_id: res.partner}``) replaces the template's own;
        ``email_values`` are given to every mail, ``record_values``
        (``{res_id: values}``) to the mail of that record."""
        fields_rendered = ("subject", "body_html", "email_from", "reply_to")
        values = self.env["debt.recovery.batch.render"]._render(
            template, fields_rendered, res_ids, add_context
        )
        if recipients is None:
            for lang_template, lang_ids in template._classify_per_lang(
                res_ids
            ).values():
                lang_template._generate_template_recipients(
                    lang_ids,
                    {"email_cc", "email_to", "partner_to"},
                    render_results=values,
                )
        else:
            for res_id in res_ids:
                values[res_id]["partner_ids"] = recipients[res_id].ids
        records = self.env[template.model].browse(res_ids)
        # one look-up of the reply-to address for the batch (the follow-up's
        # thread: replies come back to it)
        replies = records._notify_get_reply_to_batch(
            defaults={r.id: values[r.id].get("email_from") for r in records}
        )
        vals_list, plain = [], {}
        for record in records:
            vals = values[record.id]
            body = vals.get("body_html")
            given = {**(email_values or {}), **(record_values or {}).get(record.id, {})}
            if "body" not in given and reminder_body.is_plain(body):
                plain[record.id] = body
            mail_vals = {
                "subject": vals.get("subject"),
                "body_html": body,
                # stored once created, unless it must be sanitized
                "body": "" if record.id in plain else body,
                "reply_to": vals.get("reply_to") or replies.get(record.id),
                "email_to": vals.get("email_to"),
                "email_cc": (copies or {}).get(record.id) or vals.get("email_cc"),
                "recipient_ids": [(4, pid) for pid in vals.get("partner_ids") or []],
                "model": template.model,
                "res_id": record.id,
                "auto_delete": template.auto_delete,
                "mail_server_id": template.mail_server_id.id,
                **(email_values or {}),
                **(record_values or {}).get(record.id, {}),
            }
            if vals.get("email_from"):
                mail_vals["email_from"] = vals["email_from"]
            vals_list.append(mail_vals)
        # the author mail would take for each mail (the user's partner), set
        # once for the batch
        author = self.env.user.partner_id.id
        for mail_vals in vals_list:
            mail_vals.setdefault("author_id", author)
        mails = dict(
            zip(res_ids, self.env["mail.mail"].sudo().create(vals_list), strict=True)
        )
        reminder_body.store(
            self.env,
            {mails[res_id].mail_message_id.id: body for res_id, body in plain.items()},
        )
        return mails

    # ------------------------------------------------------------------
    # Letters and activities
    # ------------------------------------------------------------------
    @api.model
    def _render_letters(self, level, batch, today=None):
        """The letter of each customer at ``level`` as on the run's day,
        rendered once for the whole batch (one report call), stored on
        ``data["letter"]``."""
        followups = self.env["debt.recovery.followup"].union(*batch)
        report = self.env[
            "report.account_debt_recovery.report_debt_recovery_level_letter"
        ]
        letters = report._debt_render_attachments(followups, level, today)
        for followup, data in batch.items():
            data["letter"] = letters[followup]

    @api.model
    def _schedule_activities(self, level, batch, today):
        """The level's activity for each customer's collector (or the level's
        user), created in one go on the follow-ups."""
        model = self.env["ir.model"]._get_id("debt.recovery.followup")
        # each activity reads its follow-up's name alone: read them together
        self.env["debt.recovery.followup"].union(*batch).sudo().mapped("display_name")
        self.env["mail.activity"].sudo().create(
            [
                {
                    "res_model_id": model,
                    "res_id": followup.id,
                    "activity_type_id": level.activity_type_id.id,
                    "summary": level.activity_summary or level.name,
                    "date_deadline": today + timedelta(days=level.activity_delay_days),
                    "user_id": (
                        (
                            level.activity_user_id
                            if level.activity_user_mode == "fixed"
                            else followup._collector()
                        )
                        or self.env.user
                    ).id,
                }
                for followup in batch
            ]
        )

    # ------------------------------------------------------------------
    # Notices (payment plans)
    # ------------------------------------------------------------------
    @api.model
    def _send_notices(self, notices):
        """Queue one email per notice, with the same failure policy as the
        levels. ``notices``: ``{key: {"template", "record", "partner",
        "email_values"}}``; each done notice gets its ``mail``, each failed
        one its ``error``."""
        for data in notices.values():
            if not data["partner"].email:
                data["error"] = self.env._(
                    "%(partner)s has no email address.",
                    partner=data["partner"].display_name,
                )
        ready = {key: data for key, data in notices.items() if not data.get("error")}
        self._isolated(self._send_notices_batch, ready)
        return notices

    @api.model
    def _send_notices_batch(self, notices):
        """The notices queued with one rendering per template and company
        (a record noticed twice with one template goes in a later group)."""
        groups = []
        for data in notices.values():
            record = data["record"]
            key = (data["template"], record.company_id)
            group = next(
                (g for g in groups if g[0] == key and record.id not in g[1]), None
            )
            if group is None:
                group = (key, {})
                groups.append(group)
            group[1][record.id] = data
        for (template, company), batch in groups:
            mails = self._queue_template(
                template.with_company(company),
                list(batch),
                record_values={
                    res_id: data.get("email_values") or {}
                    for res_id, data in batch.items()
                },
            )
            for res_id, data in batch.items():
                data["mail"] = mails[res_id]

    # ------------------------------------------------------------------
    @api.model
    def _error_message(self, error):
        """The cause of a failure in words, short enough for the worklist: a
        user error's message, else the last line of the underlying error."""
        cause = error
        while cause.__cause__ is not None:
            cause = cause.__cause__
        if isinstance(cause, UserError):
            message = cause.args[0] if cause.args else str(cause)
        else:
            text = "".join(traceback.format_exception_only(type(cause), cause))
            message = text.strip().splitlines()[-1] if text.strip() else repr(cause)
        return " ".join(str(message).split())[:500]
