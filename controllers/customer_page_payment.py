from odoo import Command, http
from odoo.exceptions import AccessError, UserError
from odoo.http import request

from odoo.addons.account.controllers.download_docs import (
    _build_zip_from_data,
    _get_headers,
)

from .customer_page import PAGE, DebtRecoveryCustomerPage


class DebtRecoveryCustomerPagePayment(DebtRecoveryCustomerPage):
    """The customer's invoices from their page: each as PDF, and paid online
    with Odoo's payment providers. Opened with the page's own link, checked
    as every other request of the page."""

    # ------------------------------------------------------------------
    # The invoices as PDF
    # ------------------------------------------------------------------
    @http.route(
        f"{PAGE}/invoice/<int:invoice_id>",
        type="http",
        auth="public",
        methods=["GET"],
        website=True,
        sitemap=False,
    )
    def debt_customer_invoice(self, followup_id, invoice_id, access_token=None, **kw):
        """An open invoice of the page, as PDF, opened with the page's own
        link: no access token of the invoice is handed out, so revoking or
        expiring the page's link closes its invoices too."""
        followup = self._debt_followup(followup_id, access_token)
        if not followup:
            return self._debt_invalid_page(followup_id)
        invoice = followup._portal_open_invoices().filtered(
            lambda move: move.id == invoice_id
        )
        if not invoice:
            return self._debt_invalid_page(followup_id)
        documents = invoice._get_invoice_legal_documents_all(allow_fallback=True)
        if len(documents) == 1:
            headers = self._get_http_headers(
                invoice, "pdf", documents[0]["content"], True
            )
            return request.make_response(documents[0]["content"], list(headers.items()))
        content = _build_zip_from_data(documents)
        filename = invoice._get_invoice_report_filename(extension="zip")
        return request.make_response(content, _get_headers(filename, "zip", content))

    # ------------------------------------------------------------------
    # Pay now
    # ------------------------------------------------------------------
    @http.route(
        f"{PAGE}/pay",
        type="http",
        auth="public",
        methods=["GET"],
        website=True,
        sitemap=False,
    )
    def debt_customer_pay(self, followup_id, access_token=None, **kwargs):
        """Odoo's payment form for the invoices the customer chose."""
        followup = self._debt_followup(followup_id, access_token)
        if not followup:
            return self._debt_invalid_page(followup_id)
        followup = self._debt_set_lang(followup)
        ids = self._debt_ids(request.httprequest.args, "invoice_ids")
        try:
            invoices, currency, amount = followup._portal_payment_selection(
                access_token, request.env["account.move"].sudo().browse(ids).exists()
            )
        except UserError as error:
            return self._debt_render_page(
                followup,
                error={"form": "pay", "message": error.args[0]},
                status=400,
            )
        values = self._get_common_page_view_values(
            invoices_data={
                "partner": followup.partner_id,
                "company": followup.company_id,
                "total_amount": amount,
                "currency": currency,
                "amount_residual": amount,
                "landing_route": self._debt_page_url(followup),
                "transaction_route": f"{followup.access_url}/transaction/"
                + ",".join(str(invoice.id) for invoice in invoices),
            },
            access_token=access_token,
        )
        values.update(
            self._debt_page_base(followup),
            amount=amount,
            invoices=invoices,
            # a link is no account: no saved payment method shown or saved
            tokens_sudo=request.env["payment.token"].sudo(),
            show_tokenize_input_mapping=dict.fromkeys(
                values["providers_sudo"].ids, False
            ),
            page_url=self._debt_page_url(followup),
        )
        return request.render("account_debt_recovery.customer_page_pay", values)

    @http.route(
        f"{PAGE}/transaction/<string:invoice_ids>", type="jsonrpc", auth="public"
    )
    def debt_customer_transaction(
        self, followup_id, invoice_ids, access_token=None, **kwargs
    ):
        """Create the draft transaction of the payment form: the invoices and
        the amount come from the server, never from the browser."""
        followup = self._debt_followup(followup_id, access_token)
        if not followup:
            raise AccessError(request.env._("This link is no longer valid."))
        ids = self._debt_valid_ids(invoice_ids.split(","))
        invoices, currency, amount = followup._portal_payment_selection(
            access_token, request.env["account.move"].sudo().browse(ids).exists()
        )
        self._validate_transaction_kwargs(kwargs)
        if kwargs.get("flow") == "token":
            raise AccessError(
                request.env._("Saved payment methods are not offered here.")
            )
        kwargs.update(
            amount=amount,
            currency_id=currency.id,
            partner_id=followup.partner_id.id,
            tokenization_requested=False,
            is_validation=False,
            landing_route=self._debt_page_url(followup),
        )
        tx_sudo = self._create_transaction(
            custom_create_values={
                "invoice_ids": [Command.set(invoices.ids)],
                "debt_followup_id": followup.id,
            },
            **kwargs,
        )
        tx_sudo.landing_route = self._debt_page_url(followup, paid=tx_sudo.id)
        return tx_sudo._get_processing_values()
