import re

from odoo import api, models
from odoo.tools.mail import decode_message_header

# Subjects of out-of-office and other automatic replies, in the languages of
# the addon's customers.
AUTO_REPLY_SUBJECT = re.compile(
    r"^\s*(auto(matic)?[ -]?(reply|response|answer)|auto:|out of (the )?office|"
    r"absence|abwesenheit|automatische antwort|r[ée]ponse automatique|"
    r"respuesta autom[áa]tica|risposta automatica)",
    re.IGNORECASE,
)


def is_auto_reply(message):
    """True when the email says it was sent by a machine (RFC 3834
    Auto-Submitted, the common vendor headers, an out-of-office subject)."""
    submitted = (message.get("Auto-Submitted") or "").strip().lower()
    if submitted and submitted != "no":
        return True
    if message.get("X-Autoreply") or message.get("X-Autorespond"):
        return True
    if (message.get("Precedence") or "").strip().lower() in ("auto_reply", "bulk"):
        return True
    subject = decode_message_header(message, "Subject") or ""
    return bool(AUTO_REPLY_SUBJECT.match(subject))


class MailThread(models.AbstractModel):
    _inherit = "mail.thread"

    @api.model
    def message_parse(self, message, save_original=False):
        """Incoming emails say whether a machine sent them
        (``debt_auto_reply``): an auto-reply does not hold the debt
        recovery ladder."""
        msg_dict = super().message_parse(message, save_original=save_original)
        msg_dict["debt_auto_reply"] = is_auto_reply(message)
        return msg_dict

    def _get_message_create_ignore_field_names(self):
        return super()._get_message_create_ignore_field_names() | {"debt_auto_reply"}

    def _get_notify_valid_parameters(self):
        return super()._get_notify_valid_parameters() | {"debt_auto_reply"}
