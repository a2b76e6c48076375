from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools.safe_eval import safe_eval, time

from ..models.debt_recovery_roles import check_collector
from .letter_qr import qr_data_uri

LETTER_REPORT = "account_debt_recovery.action_report_debt_recovery_letter"
LEVEL_LETTER_REPORT = "account_debt_recovery.action_report_debt_recovery_level_letter"


class ReportDebtRecoveryLetter(models.AbstractModel):
    """The letters to print: one letter per interaction that asks for one,
    for the customer, the company and the level it records.

    Set-based: whatever the number of letters, the overdue items, the
    credits, the net balances, the invoice contacts and the bank accounts
    are read with one query per company.
    """

    _name = "report.account_debt_recovery.report_debt_recovery_letter"
    _description = "Debt Recovery Letter"

    @api.model
    def _get_report_values(self, docids, data=None):
        # the customers' letters are the collectors' business, whatever the
        # route that asks for them (/report/html, /report/pdf)
        check_collector(self.env)
        interactions = self.env["debt.recovery.interaction"].browse(docids)
        requests = [
            (interaction, interaction.followup_id, interaction.level_id)
            for interaction in interactions
        ]
        return {
            "doc_ids": docids,
            "doc_model": "debt.recovery.interaction",
            "docs": interactions,
            "letters": self._debt_letters(requests),
        }

    @api.model
    def _debt_letters(self, requests, today=None):
        """What each letter says, keyed by the id of its document: the
        follow-up's reminder values (the same figures as its emails and its
        log), addressed to the customer's invoice address.

        ``requests`` lists ``(document, followup, level)``; the document is
        the record the letter is printed for (an interaction or a follow-up)
        and gives the letter its reference.
        """
        documents = self.env["debt.recovery.followup"]._documents(requests, today)
        letters = {}
        for doc, followup, _level in requests:
            values = documents[doc]
            partner, lang = values["partner"], values["lang"]
            contact = values["contacts"][:1].with_context(lang=lang)
            addressee = (
                contact if contact != partner or not partner.is_company else False
            )
            letters[doc.id] = dict(
                values,
                contact=contact,
                addressee=addressee,
                salutation=(addressee or partner)._debt_salutation(),
                reference=self._debt_reference(doc),
                portal_qr=values.get("portal_url")
                and qr_data_uri(values["portal_url"]),
            )
        return letters

    @api.model
    def _debt_reference(self, doc):
        """Our reference: the interaction the letter records, if any."""
        if doc._name == "debt.recovery.interaction":
            return "DR-%05d" % doc.id
        return False

    # ------------------------------------------------------------------
    # Letters to print
    # ------------------------------------------------------------------
    @api.model
    def _debt_print_letters(self, interactions):
        """Print the selected letters as one PDF.

        The letters not printed yet are rendered in one wkhtmltopdf call and
        stored, each attached to its interaction; all are marked printed.
        The returned report action downloads them from the stored files (see
        ``ir.actions.report.retrieve_attachment``), so a reprint gives the
        very letter that was sent.
        """
        check_collector(self.env)
        letters = interactions.filtered("letter_state")
        if not letters:
            raise UserError(
                self.env._("None of the selected interactions has a letter to print.")
            )
        letters, withdrawn = self._debt_still_due(letters)
        if not letters:
            return {
                "type": "ir.actions.client",
                "tag": "display_notification",
                "params": {
                    "type": "warning",
                    "sticky": True,
                    "title": self.env._("No letter printed"),
                    "message": self.env._(
                        "Things changed since these letters were prepared:\n"
                        "%(reasons)s",
                        reasons="\n".join(withdrawn.values()),
                    ),
                },
            }
        report = self.env.ref(LETTER_REPORT)
        missing = letters.filtered(lambda letter: not letter.letter_attachment_id)
        if missing:
            # Stores one attachment per letter (the report's "attachment" name).
            self.env["ir.actions.report"]._render_qweb_pdf(report, missing.ids)
            self._debt_link_letters(missing, report)
        letters._debt_system_write({"letter_state": "printed"})
        if withdrawn:
            self.env.user._bus_send(
                "simple_notification",
                {
                    "type": "warning",
                    "sticky": True,
                    "title": self.env._("Letters left out"),
                    "message": "\n".join(withdrawn.values()),
                },
            )
        return report.report_action(letters, config=False)

    @api.model
    def _debt_still_due(self, letters):
        """The letters to print today, and ``{letter: why not}`` for those of
        customers paused, settled, in a payment plan or whose overdue
        invoices are all disputed since the letter was prepared: those are
        withdrawn (logged on their follow-up), not printed."""
        letters.followup_id._refresh_figures()
        reasons = {
            "paused": self.env._("%(customer)s: the follow-up is paused."),
            "up_to_date": self.env._("%(customer)s: nothing is overdue any more."),
            "plan": self.env._("%(customer)s: the overdue invoices are in a plan."),
            "disputed": self.env._("%(customer)s: the overdue invoices are disputed."),
            "excluded": self.env._("%(customer)s: excluded from debt recovery."),
        }
        withdrawn = {}
        for letter in letters.filtered(lambda entry: entry.letter_state == "to_print"):
            status = letter.followup_id.status
            if status in reasons:
                withdrawn[letter] = reasons[status] % {
                    "customer": letter.partner_id.display_name
                }
        Interaction = self.env["debt.recovery.interaction"]
        left_out = Interaction.union(*withdrawn)
        left_out._debt_system_write({"letter_state": "withdrawn"})
        Interaction._log(
            [
                letter.followup_id._event_values(
                    "letter_withdrawn",
                    reason,
                    automated=False,
                    level_id=letter.level_id.id,
                )
                for letter, reason in withdrawn.items()
            ]
        )
        return letters - left_out, withdrawn

    @api.model
    def _debt_link_letters(self, interactions, report):
        """Link the letters just stored to their interactions (one search)."""
        names = {
            interaction.id: safe_eval(
                report.attachment, {"object": interaction, "time": time}
            )
            for interaction in interactions
        }
        attachments = self.env["ir.attachment"].search(
            [
                ("res_model", "=", interactions._name),
                ("res_id", "in", interactions.ids),
                ("name", "in", list(set(names.values()))),
            ],
            order="id desc",
        )
        latest = {}
        for attachment in attachments:
            if attachment.name == names[attachment.res_id]:
                latest.setdefault(attachment.res_id, attachment)
        for interaction in interactions:
            if interaction.id in latest:
                interaction._debt_system_write(
                    {"letter_attachment_id": latest[interaction.id].id}
                )


class ReportDebtRecoveryLevelLetter(models.AbstractModel):
    """The letter of a follow-up at a level: the one its email carries, or a
    letter printed from the customer. The level comes from the report data
    (``level_id``), else it is the follow-up's current level."""

    _name = "report.account_debt_recovery.report_debt_recovery_level_letter"
    _inherit = "report.account_debt_recovery.report_debt_recovery_letter"
    _description = "Debt Recovery Letter of a Customer"

    @api.model
    def _get_report_values(self, docids, data=None):
        check_collector(self.env)
        followups = self.env["debt.recovery.followup"].browse(docids)
        data = data or {}
        level = self.env["debt.recovery.level"].browse(data.get("level_id"))
        requests = [(followup, followup, level) for followup in followups]
        # the day the letter is dated, when not today (a run for a past day)
        letters = self._debt_letters(requests, fields.Date.to_date(data.get("today")))
        nothing = followups.filtered(lambda f: not letters[f.id]["lines"])
        if nothing:
            raise UserError(
                self.env._(
                    "Nothing is overdue for %(customers)s: there is no letter to "
                    "print.",
                    customers=", ".join(nothing.partner_id.mapped("display_name")),
                )
            )
        return {
            "doc_ids": docids,
            "doc_model": "debt.recovery.followup",
            "docs": followups,
            "letters": letters,
        }

    @api.model
    def _debt_render_attachments(self, followups, level, today=None):
        """The letter of each follow-up at ``level`` (dated ``today``, by
        default today) as a PDF attachment, rendered in one report call for
        the whole batch: ``{followup: attachment}``."""
        report = self.env.ref(LEVEL_LETTER_REPORT)
        Report = self.env["ir.actions.report"].with_company(self.env.company)
        data = {"level_id": level.id}
        if today:
            data["today"] = fields.Date.to_string(today)
        rendered, report_format = Report._pre_render_qweb_pdf(
            report, followups.ids, data=data
        )
        if report_format == "pdf":
            contents = {
                res_id: stream["stream"].getvalue()
                for res_id, stream in rendered.items()
                if res_id and stream["stream"]
            }
            for followup in followups.filtered(lambda f: f.id not in contents):
                # the PDF could not be split per customer: render this one alone
                alone = Report._pre_render_qweb_pdf(report, followup.ids, data=data)[0]
                contents[followup.id] = alone[followup.id]["stream"].getvalue()
        else:  # tests without PDF rendering: HTML, as core does for mail templates
            contents = dict.fromkeys(followups.ids, rendered)
        # the letters are the system's documents, whoever sends them
        attachments = (
            self.env["ir.attachment"]
            .sudo()
            .create(
                [
                    {
                        "name": self._debt_letter_filename(level, followup.partner_id),
                        "raw": contents[followup.id],
                        "mimetype": "application/pdf",
                        "res_model": followup._name,
                        "res_id": followup.id,
                    }
                    for followup in followups
                ]
            )
        )
        return dict(zip(followups, attachments, strict=True))

    @api.model
    def _debt_letter_filename(self, level, partner):
        name = f"{level.with_context(lang=partner.lang).name} - {partner.name}.pdf"
        return name.replace("/", "-")
