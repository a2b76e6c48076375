from urllib.parse import urlencode

from odoo import http
from odoo.exceptions import AccessError, UserError
from odoo.http import request
from odoo.tools.misc import format_amount, format_date

from odoo.addons.account_payment.controllers.portal import PortalAccount

from ..models.debt_recovery_followup_portal import PAGE_ROUTE
from ..models.debt_recovery_followup_portal_actions import MAX_ATTACHMENT_BYTES

PAGE = f"{PAGE_ROUTE}/<int:followup_id>"
FORMS = ("promise", "plan", "dispute")
MAX_ID = 2**31 - 1


class DebtRecoveryCustomerPage(PortalAccount):
    """The customer's own page, opened with the link of a reminder (no login).

    Every request checks the link first; a wrong, revoked, expired or other
    customer's link gets the plain "no longer valid" page and nothing else.
    The follow-up is then read as superuser (public and portal users read
    nothing of it through the ORM) and each action runs through the
    follow-up's own portal methods, which check the token again. Forms are
    protected by Odoo's CSRF token and a one-time form token; bad input is
    shown on the page and writes nothing.
    """

    # ------------------------------------------------------------------
    # The page
    # ------------------------------------------------------------------
    @http.route(
        PAGE, type="http", auth="public", methods=["GET"], website=True, sitemap=False
    )
    def debt_customer_page(self, followup_id, access_token=None, done=None, **kwargs):
        followup = self._debt_followup(followup_id, access_token)
        if not followup:
            return self._debt_invalid_page(followup_id)
        return self._debt_render_page(
            followup, confirmation=self._debt_confirmation(followup, done)
        )

    @http.route(
        f"{PAGE}/promise",
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
        sitemap=False,
    )
    def debt_customer_promise(self, followup_id, access_token=None, **post):
        return self._debt_act(
            followup_id,
            access_token,
            "promise",
            post,
            lambda followup: followup._portal_promise(
                access_token, post.get("promise_date"), post.get("promise_amount")
            ),
        )

    @http.route(
        f"{PAGE}/plan",
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
        sitemap=False,
    )
    def debt_customer_plan(self, followup_id, access_token=None, **post):
        return self._debt_act(
            followup_id,
            access_token,
            "plan",
            post,
            lambda followup: followup._portal_propose_plan(
                access_token,
                post.get("instalment_count"),
                post.get("date_start"),
                post.get("frequency"),
            ),
        )

    @http.route(f"{PAGE}/plan/schedule", type="jsonrpc", auth="public")
    def debt_customer_plan_schedule(
        self,
        followup_id,
        access_token=None,
        instalment_count=None,
        date_start=None,
        frequency=None,
    ):
        """The schedule of the plan the customer is describing, computed with
        the plans' own rule and the policy's limits, for the page to show
        live."""
        followup = self._debt_followup(followup_id, access_token)
        if not followup:
            return {"error": request.env._("This link is no longer valid.")}
        followup = self._debt_set_lang(followup)
        env = request.env
        try:
            proposal = followup._portal_plan_proposal(
                instalment_count, date_start, frequency
            )
        except UserError as error:
            return {"error": error.args[0]}
        currency = proposal["currency"]
        return {
            "lines": [
                {
                    "date": format_date(env, line["due_date"]),
                    "amount": format_amount(env, line["amount"], currency),
                }
                for line in proposal["schedule"]
            ],
            "total": format_amount(env, proposal["total"], currency),
            "auto_accept": proposal["auto_accept"],
        }

    @http.route(
        f"{PAGE}/dispute",
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
        sitemap=False,
    )
    def debt_customer_dispute(self, followup_id, access_token=None, **post):
        def dispute(followup):
            Move = request.env["account.move"].sudo()
            invoices = Move.browse(
                self._debt_ids(request.httprequest.form, "invoice_ids")
            )
            Reason = request.env["debt.recovery.dispute.reason"].sudo()
            reason_ids = self._debt_ids(request.httprequest.form, "reason_id")
            upload = request.httprequest.files.get("attachment")
            attachment = None
            if upload and upload.filename:
                # one byte more than allowed is enough to refuse it
                raw = upload.read(MAX_ATTACHMENT_BYTES + 1)
                attachment = {"name": upload.filename, "raw": raw}
            return followup._portal_dispute(
                access_token,
                invoices.exists(),
                Reason.browse(reason_ids[:1]).exists(),
                post.get("comment"),
                attachment,
            )

        post.pop("attachment", None)
        return self._debt_act(followup_id, access_token, "dispute", post, dispute)

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    def _debt_followup(self, followup_id, access_token):
        """The follow-up (as superuser) when ``access_token`` opens its page,
        else an empty recordset."""
        Followup = request.env["debt.recovery.followup"].sudo()
        followup = Followup.browse(self._debt_valid_ids([followup_id])).exists()
        if not followup or followup._portal_access(access_token) != "valid":
            return Followup
        if not followup._policy() or not followup._document_level():
            return Followup  # followed by no ladder: nothing to show
        return followup.with_company(followup.company_id)

    def _debt_invalid_page(self, followup_id):
        """The plain page of a link that does not open anything: who to
        contact, nothing else."""
        followup = (
            request.env["debt.recovery.followup"]
            .sudo()
            .browse(self._debt_valid_ids([followup_id]))
            .exists()
        )
        company = followup.company_id or request.env.company
        values = {
            "company": company,
            "res_company": company,
            "collector": followup._collector() if followup else False,
            "no_header": True,
            "no_footer": True,
        }
        return request.render(
            "account_debt_recovery.customer_page_invalid", values, status=403
        )

    def _debt_act(self, followup_id, access_token, form, post, action):
        """Run a form's ``action`` once (one-time form token), in a savepoint:
        on bad input nothing is written and the page says what to change."""
        followup = self._debt_followup(followup_id, access_token)
        if not followup:
            return self._debt_invalid_page(followup_id)
        followup = self._debt_set_lang(followup)
        try:
            with request.env.cr.savepoint():
                request.env["debt.recovery.portal.submission"].sudo()._consume(
                    followup, post.get("form_token")
                )
                interaction = action(followup)
        except AccessError:
            return self._debt_invalid_page(followup_id)
        except UserError as error:
            return self._debt_render_page(
                followup,
                error={"form": form, "message": error.args[0]},
                posted=post,
                status=400,
            )
        return request.redirect(self._debt_page_url(followup, done=interaction.id))

    def _debt_render_page(
        self, followup, confirmation=None, error=None, posted=None, status=200
    ):
        followup = self._debt_set_lang(followup)
        documents = followup._document_values()[followup]
        items = followup._portal_open_items()
        chased = documents["lines"]
        Submission = request.env["debt.recovery.portal.submission"].sudo()
        values = {
            **self._debt_page_base(followup),
            "page_url": self._debt_page_url(followup),
            "documents": documents,
            "chased_lines": chased,
            "other_lines": items - chased,
            "invoice_urls": {
                move: self._debt_page_url(followup, path=f"/invoice/{move.id}")
                for move in items.move_id
                if move.move_type == "out_invoice"
            },
            # the open items read once for the page
            "payable": followup._portal_payable_invoices(items),
            "open_invoices": followup._portal_open_invoices(items),
            "limits": followup._portal_limits(),
            "promise_refusal": followup._portal_promise_refusal(),
            "reasons": request.env["debt.recovery.dispute.reason"]._for_company(
                followup.company_id
            ),
            "form_tokens": {name: Submission._issue(followup) for name in FORMS},
            "confirmation": confirmation,
            "error": error or {},
            "posted": posted or {},
        }
        return request.render(
            "account_debt_recovery.customer_page", values, status=status
        )

    def _debt_page_base(self, followup):
        company = followup.company_id
        return {
            "followup": followup,
            "partner": followup.partner_id,
            "company": company,
            "res_company": company,
            "currency": company.currency_id,
            "collector": followup._collector(),
            "no_header": True,
            "no_footer": True,
            "html_data": {"lang": (request.env.lang or "en_US").replace("_", "-")},
        }

    def _debt_confirmation(self, followup, done):
        """What the page confirms after an action: the interaction ``done``
        (or, after an online payment, the transaction ``paid``)."""
        paid = request.httprequest.args.get("paid")
        if paid:
            tx = (
                request.env["payment.transaction"]
                .sudo()
                .browse(self._debt_valid_ids([paid]))
                .exists()
            )
            if tx.debt_followup_id == followup:
                return {"kind": "paid", "transaction": tx}
        if done:
            interaction = (
                request.env["debt.recovery.interaction"]
                .sudo()
                .browse(self._debt_valid_ids([done])[:1])
                .exists()
            )
            if interaction.followup_id == followup and interaction.channel == "portal":
                plan = (
                    request.env["debt.recovery.plan"]
                    .sudo()
                    .search([("interaction_id", "=", interaction.id)], limit=1)
                )
                return {
                    "kind": interaction.outcome,
                    "interaction": interaction,
                    "plan": plan,
                }
        return None

    def _debt_set_lang(self, followup):
        """The page speaks the customer's language (else the company's):
        ``followup`` in that language."""
        Lang = request.env["res.lang"]
        installed = dict(Lang.get_installed())
        lang = next(
            (
                code
                for code in (
                    followup.partner_id.lang,
                    followup.company_id.partner_id.lang,
                )
                if code in installed
            ),
            request.env.lang,
        )
        request.update_context(lang=lang)
        request.lang = Lang._get_data(code=lang)
        return followup.with_context(lang=lang)

    @staticmethod
    def _debt_page_url(followup, path="", **params):
        """The local URL of the page (or of ``path`` under it), with its
        token and ``params``."""
        query = urlencode({"access_token": followup.access_token, **params})
        return f"{followup.access_url}{path}?{query}"

    @staticmethod
    def _debt_ids(values, name):
        """The ids of a multi-valued form or query field."""
        return DebtRecoveryCustomerPage._debt_valid_ids(values.getlist(name))

    @staticmethod
    def _debt_valid_ids(values):
        """The values that can be record ids (PostgreSQL integers); anything
        else a visitor sends is ignored."""
        return [
            int(value)
            for value in values
            if str(value).isdigit() and 0 < int(value) <= MAX_ID
        ]
