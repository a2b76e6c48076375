import time
import uuid
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, consteq
from odoo.tools.misc import hmac

# A form of the customer's page can be sent once, within a day of showing it.
FORM_VALIDITY = timedelta(days=1)
HMAC_SCOPE = "account_debt_recovery.customer_page_form"


class DebtRecoveryPortalSubmission(models.Model):
    """The forms sent from customers' pages: each form carries a one-time
    token, signed for its follow-up and link; a token sent twice (a double
    click, a replayed request) is refused."""

    _name = "debt.recovery.portal.submission"
    _description = "Customer's Page Form Sent"
    _order = "id desc"

    followup_id = fields.Many2one(
        "debt.recovery.followup", required=True, index=True, ondelete="cascade"
    )
    nonce = fields.Char(required=True)

    _nonce_uniq = models.UniqueIndex("(nonce)", "A form is sent once.")

    @api.model
    def _issue(self, followup):
        """A one-time token for a form of ``followup``'s page."""
        nonce = f"{int(time.time())}-{uuid.uuid4().hex}"
        return f"{nonce}.{self._signature(followup, nonce)}"

    @api.model
    def _consume(self, followup, form_token):
        """Accept ``form_token`` once for ``followup``, or say why not. Rolled
        back with the rest when the action then fails: the customer can
        correct the form and send it again."""
        nonce, _dot, signature = (form_token or "").partition(".")
        issued = nonce.partition("-")[0]
        if (
            not signature
            or not issued.isdigit()
            or not consteq(signature, self._signature(followup, nonce))
        ):
            raise UserError(
                self.env._("This form is not valid any more: reload the page.")
            )
        if time.time() - int(issued) > FORM_VALIDITY.total_seconds():
            raise UserError(self.env._("This form has expired: reload the page."))
        inserted = self.env.execute_query(
            SQL(
                "INSERT INTO debt_recovery_portal_submission"
                " (followup_id, nonce, create_uid, write_uid, create_date, write_date)"
                " VALUES (%(followup)s, %(nonce)s, %(uid)s, %(uid)s,"
                " now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC')"
                " ON CONFLICT (nonce) DO NOTHING RETURNING id",
                followup=followup.id,
                nonce=nonce,
                uid=self.env.uid,
            )
        )
        if not inserted:
            raise UserError(
                self.env._("This form was already sent: your answer is recorded.")
            )

    @api.model
    def _signature(self, followup, nonce):
        return hmac(
            self.env(su=True),
            HMAC_SCOPE,
            f"{followup.id}:{followup.access_token or ''}:{nonce}",
        )

    @api.autovacuum
    def _gc_expired(self):
        """Expired tokens are refused anyway: their trace can go."""
        limit = fields.Datetime.now() - FORM_VALIDITY * 2
        self.sudo().search([("create_date", "<", limit)]).unlink()
