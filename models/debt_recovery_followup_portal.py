import uuid
from datetime import timedelta
from urllib.parse import urlencode

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL, consteq

from .debt_recovery_roles import check_collector

PAGE_ROUTE = "/my/balance"


class DebtRecoveryFollowup(models.Model):
    """The customer's own page: every reminder links to it with a signed
    access token (no login). The token is follow-up state like any other:
    created when a reminder needs it, revoked by a collector, never written
    from outside. A link stops working once the customer has been settled
    for the policy's number of days; the next reminder brings it back."""

    _name = "debt.recovery.followup"
    _inherit = ["debt.recovery.followup", "portal.mixin"]

    portal_link_date = fields.Date(
        string="Link Sent On",
        readonly=True,
        copy=False,
        help="Day the customer's page was last linked from a reminder (or "
        "opened by a collector).",
    )

    @api.model
    def _get_thread_with_access(self, thread_id, *, mode="read", **kwargs):
        """The page's token opens the customer's page, never the follow-up's
        discussion thread: that is the company's (Odoo's portal would let the
        token read and post there, expired or not). Only users with access
        to the follow-up reach it."""
        thread = self.browse(thread_id)
        if thread.exists() and thread.sudo(False).has_access(mode):
            return thread
        return self.browse()

    def _compute_access_url(self):
        for followup in self:
            followup.access_url = f"{PAGE_ROUTE}/{followup.id}"

    # ------------------------------------------------------------------
    # The token
    # ------------------------------------------------------------------
    def _portal_ensure_token(self):
        """The token, created when missing by the follow-up's own writer
        (``write`` from outside is refused)."""
        self.ensure_one()
        self._portal_create_tokens()
        return self.access_token

    def _portal_create_tokens(self):
        """A token for each follow-up of the batch that has none, written in
        one statement: each is distinct, and these are the follow-up's own
        fields (no other field depends on them)."""
        self.flush_recordset(["access_token"])
        missing = self.filtered(lambda followup: not followup.access_token)
        if not missing:
            return
        rows = SQL(", ").join(
            SQL("(%s, %s)", followup.id, str(uuid.uuid4())) for followup in missing
        )
        self.env.cr.execute(
            SQL(
                "UPDATE debt_recovery_followup SET access_token = rows.token "
                "FROM (VALUES %s) AS rows(id, token) "
                "WHERE debt_recovery_followup.id = rows.id "
                "AND debt_recovery_followup.access_token IS NULL",
                rows,
            )
        )
        missing.invalidate_recordset(["access_token"])

    def _portal_links(self, today=None):
        """``{followup: absolute URL of its page}`` for a batch of reminders:
        each token created when missing, the link dated today."""
        today = today or fields.Date.context_today(self)
        self._portal_create_tokens()
        undated = self.filtered(lambda f: f.portal_link_date != today)
        if undated:
            undated._write_state({"portal_link_date": today})
        return {followup: followup._portal_url() for followup in self}

    def _portal_url(self, **params):
        """The absolute URL of the page (its token must exist)."""
        self.ensure_one()
        query = urlencode({"access_token": self.access_token, **params})
        return f"{self.get_base_url()}{self.access_url}?{query}"

    def _portal_access(self, token):
        """Whether ``token`` opens this follow-up's page: ``"valid"``,
        ``"expired"`` (the right token, but the customer has been settled
        for too long) or ``"invalid"`` (wrong, revoked, someone else's)."""
        self.ensure_one()
        if not token or not self.access_token:
            return "invalid"
        if not consteq(self.access_token, str(token)):
            return "invalid"
        if self._portal_link_expired():
            return "expired"
        return "valid"

    def _portal_check_token(self, token):
        """The role check of the customer's actions: only the holder of a
        valid link acts on the page, as the customer."""
        if self._portal_access(token) != "valid":
            raise AccessError(self.env._("This link is no longer valid."))

    def _portal_link_expired(self, today=None):
        """Settled after the link was last sent, and for longer than the
        policy's number of days."""
        self.ensure_one()
        today = today or fields.Date.context_today(self)
        settled = (
            self.env["debt.recovery.interaction"]
            .sudo()
            .search(
                [("followup_id", "=", self.id), ("event", "=", "settled")],
                order="date desc, id desc",
                limit=1,
            )
        )
        if not settled:
            return False
        settled_on = fields.Datetime.context_timestamp(self, settled.date).date()
        if self.portal_link_date and settled_on < self.portal_link_date:
            return False
        return settled_on + timedelta(days=self._policy().portal_link_days) < today

    # ------------------------------------------------------------------
    # What every reminder (email and letter) shows: the link
    # ------------------------------------------------------------------
    @api.model
    def _documents(self, requests, today=None, preview=False, chased=None):
        result = super()._documents(requests, today, preview, chased)
        followups = self.env["debt.recovery.followup"].union(
            *(values["followup"] for values in result.values())
        )
        if preview:  # a screen shows the link only if a reminder carried one
            links = {
                followup: followup.access_token and followup._portal_url()
                for followup in followups
            }
        else:
            links = followups._portal_links(today)
        for values in result.values():
            values["portal_url"] = links[values["followup"]]
        return result

    # ------------------------------------------------------------------
    # Collectors
    # ------------------------------------------------------------------
    def action_portal_open(self):
        """Open the customer's page as the customer sees it."""
        check_collector(self.env)
        followup = self._one_customer(self.env._("Open one customer's page at a time."))
        url = followup._portal_links()[followup]
        return {"type": "ir.actions.act_url", "url": url, "target": "new"}

    def action_portal_revoke(self):
        """The customer's link stops working at once (e.g. it reached the
        wrong person); the next reminder carries a new one."""
        check_collector(self.env)
        linked = self._selected().filtered("access_token")
        linked._write_state({"access_token": False, "portal_link_date": False})
        linked._log_events(
            "portal_revoked",
            lambda f: self.env._(
                "Link to the customer's page revoked by %(user)s.",
                user=self.env.user.name,
            ),
        )
        return True
