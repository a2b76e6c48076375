import base64
import io
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.fields import Domain
from odoo.tools.misc import format_date, formatLang

from ..models.res_partner import STATUSES
from . import queries
from . import sheets_followup as followup_sheets
from . import sheets_receivables as sheets
from .workbook import DebtRecoveryWorkbook


class DebtRecoveryXlsxExport(models.TransientModel):
    """The state of recovery for the accountants, in one workbook.

    Amounts are those of the end of the as-of date; the follow-up state
    (collector, level, status, flags, plans) is the current one. Each sheet is
    one function (``sheets_*``), listed by ``_xlsx_sheets``.
    """

    _name = "debt.recovery.xlsx.export"
    _description = "Debt Recovery Excel Export"

    company_ids = fields.Many2many(
        "res.company",
        string="Companies",
        required=True,
        default=lambda self: self._default_company_ids(),
    )
    date_to = fields.Date(
        string="As of",
        required=True,
        default=fields.Date.context_today,
        help="Amounts as they stood at the end of this day: a payment reconciled "
        "later is not deducted.",
    )
    date_from = fields.Date(
        string="Interactions From",
        required=True,
        compute="_compute_date_from",
        store=True,
        readonly=False,
        precompute=True,
        help="The Interactions sheet lists the contacts logged from this day to "
        "the as-of date.",
    )
    partner_ids = fields.Many2many(
        "res.partner",
        string="Customers",
        default=lambda self: self._default_partner_ids(),
        help="Leave empty to export every customer.",
    )
    collector_ids = fields.Many2many(
        "res.users", string="Collectors", domain="[('share', '=', False)]"
    )
    level_ids = fields.Many2many(
        "debt.recovery.level",
        string="Levels",
        domain="[('company_id', 'in', company_ids)]",
    )
    status = fields.Selection(STATUSES)
    currency_id = fields.Many2one("res.currency", compute="_compute_currency_id")
    min_overdue = fields.Monetary(
        string="Minimum Overdue",
        currency_field="currency_id",
        help="Customers owing less than this overdue at the as-of date (in the "
        "currency of each company) are left out of the Overview and Items sheets.",
    )
    file_data = fields.Binary(string="File", readonly=True, attachment=False)
    file_name = fields.Char(readonly=True)

    def _default_company_ids(self):
        return self.env.company

    def _default_partner_ids(self):
        if self.env.context.get("active_model") == "res.partner":
            partners = self.env["res.partner"].browse(
                self.env.context.get("active_ids")
            )
            return partners.commercial_partner_id
        return self.env["res.partner"]

    @api.depends("date_to")
    def _compute_date_from(self):
        """The month that ends on the as-of date."""
        for export in self:
            date_to = export.date_to or fields.Date.context_today(export)
            export.date_from = date_to - relativedelta(months=1) + timedelta(days=1)

    @api.depends("company_ids")
    def _compute_currency_id(self):
        for export in self:
            export.currency_id = (
                export.company_ids[:1] or self.env.company
            ).currency_id

    # ------------------------------------------------------------------
    # Action
    # ------------------------------------------------------------------
    def action_export(self):
        """Write the workbook and download it."""
        self.ensure_one()
        self._check_export()
        self.env.flush_all()  # the queries read the tables directly
        data = self._xlsx_prepare()
        workbook_sheets = self._xlsx_sheets(data)
        if all(sheet.empty for sheet in workbook_sheets):
            raise UserError(
                self.env._(
                    "Nothing to export: no customer matches these filters as of "
                    "%(date)s (no open receivable, interaction or payment plan).",
                    date=format_date(self.env, self.date_to),
                )
            )
        output = io.BytesIO()
        book = DebtRecoveryWorkbook(
            output,
            self._xlsx_currency_formats(),
            lambda group: self.env._("Total %(group)s", group=group),
            self.env["res.lang"]._get_data(code=self.env.lang or "en_US").date_format,
        )
        subtitle = self._xlsx_subtitle()
        filters = self._xlsx_filters_label()
        for sheet in workbook_sheets:
            book.write_sheet(sheet, f"{sheet.title} — {subtitle}", filters)
        book.close()
        file_name = f"debt_recovery_{fields.Date.to_string(self.date_to)}.xlsx"
        self.write(
            {"file_data": base64.b64encode(output.getvalue()), "file_name": file_name}
        )
        return {
            "type": "ir.actions.act_url",
            "target": "self",
            "url": f"/web/content/{self._name}/{self.id}/file_data/{file_name}"
            "?download=true",
        }

    def _check_export(self):
        # The queries read the ledger directly: check what the record rules of
        # the journal items would (the companies one works in) and the rights.
        self.env["account.move.line"].check_access("read")
        if not self.company_ids:
            raise UserError(self.env._("Choose the companies to export."))
        foreign = self.company_ids - self.env.companies
        if foreign:
            raise AccessError(
                self.env._(
                    "You can only export the companies you are working in; "
                    "select %(companies)s in the company switcher first.",
                    companies=", ".join(foreign.mapped("name")),
                )
            )
        if self.date_from > self.date_to:
            raise UserError(
                self.env._("The interactions must start on or before the as-of date.")
            )

    # ------------------------------------------------------------------
    # Data shared by the sheets
    # ------------------------------------------------------------------
    def _xlsx_sheets(self, data):
        """The sheets of the workbook, in order. Adding a sheet is one function
        ``(export, data) -> Sheet``, listed here (or appended in an override)."""
        result = [sheets.overview(self, data), sheets.items(self, data)]
        if "debt.recovery.interaction" in self.env:
            result.append(followup_sheets.interactions(self, data))
        if "debt.recovery.plan.instalment" in self.env:
            result.append(followup_sheets.plans(self, data))
        return result

    def _xlsx_prepare(self):
        """What every sheet needs: per company, the customers the filters select
        and the overview figures at the end of the as-of date."""
        companies = self.company_ids.sorted(
            lambda company: (company.sequence, company.name)
        )
        customers, figures = {}, {}
        for company in companies:
            customers[company] = self._xlsx_customer_ids(company)
            self.env.cr.execute(
                queries.partner_figures_query(
                    company.id, self.date_to, customers[company]
                )
            )
            rows = self.env.cr.fetchall()
            if self.min_overdue:
                minimum = company.currency_id.round(self.min_overdue)
                rows = [
                    row
                    for row in rows
                    if company.currency_id.compare_amounts(row[2], minimum) >= 0
                ]
            figures[company] = rows
        return {
            "companies": companies,
            "customers": customers,  # {company: partner ids, or None for all}
            "figures": figures,  # {company: [(partner id, total, overdue, ...)]}
            "start": self._xlsx_utc(self.date_from),
            "end": self._xlsx_utc(self.date_to + timedelta(days=1)),
        }

    def _xlsx_customer_ids(self, company):
        """The commercial partners the customer filters select in ``company``
        (collector, level and status are per company); None when no filter."""
        domain = Domain.TRUE
        if self.partner_ids:
            domain &= Domain("id", "in", self.partner_ids.commercial_partner_id.ids)
        if self.collector_ids:
            domain &= Domain("debt_collector_id", "in", self.collector_ids.ids) | (
                Domain("debt_collector_id", "=", False)
                & Domain("user_id", "in", self.collector_ids.ids)
            )
        if self.level_ids:
            domain &= Domain("debt_level_id", "in", self.level_ids.ids)
        if self.status:
            domain &= Domain("debt_status", "=", self.status)
        if domain.is_true():
            return None
        partners = (
            self.env["res.partner"]
            .with_company(company)
            .with_context(active_test=False)
        )
        return partners.search(domain).ids

    def _xlsx_utc(self, day):
        """Midnight at the start of ``day`` in the user's timezone, as a naive
        UTC datetime (how datetimes are stored)."""
        try:
            zone = ZoneInfo(self.env.context.get("tz") or self.env.user.tz or "UTC")
        except (ZoneInfoNotFoundError, ValueError):
            zone = ZoneInfo("UTC")
        local = datetime.combine(day, time.min, tzinfo=zone)
        return local.astimezone(ZoneInfo("UTC")).replace(tzinfo=None)

    def _xlsx_local_date(self, value):
        return fields.Datetime.context_timestamp(self, value).date() if value else None

    def _xlsx_local_datetime(self, value):
        if not value:
            return None
        return fields.Datetime.context_timestamp(self, value).replace(tzinfo=None)

    # ------------------------------------------------------------------
    # Layout
    # ------------------------------------------------------------------
    def _xlsx_currency_formats(self):
        currencies = (
            self.env["res.currency"]
            .with_context(active_test=False)
            .search_fetch(
                [("active", "in", (True, False))],
                ["symbol", "position", "decimal_places"],
            )
        )
        return {
            currency.id: (
                currency.symbol or "",
                currency.position,
                currency.decimal_places,
            )
            for currency in currencies
        }

    def _xlsx_subtitle(self):
        return self.env._(
            "%(companies)s — as of %(date)s",
            companies=", ".join(self.company_ids.mapped("name")),
            date=format_date(self.env, self.date_to),
        )

    def _xlsx_filters_label(self):
        filters = []
        if self.partner_ids:
            filters.append(
                self.env._(
                    "Customers: %(names)s",
                    names=", ".join(
                        self.partner_ids.commercial_partner_id.mapped("name")
                    ),
                )
            )
        if self.collector_ids:
            filters.append(
                self.env._(
                    "Collectors: %(names)s",
                    names=", ".join(self.collector_ids.mapped("name")),
                )
            )
        if self.level_ids:
            filters.append(
                self.env._(
                    "Levels: %(names)s", names=", ".join(self.level_ids.mapped("name"))
                )
            )
        if self.status:
            statuses = dict(self._fields["status"]._description_selection(self.env))
            filters.append(
                self.env._("Status: %(status)s", status=statuses[self.status])
            )
        if self.min_overdue:
            filters.append(
                self.env._(
                    "Minimum overdue: %(amount)s",
                    amount=formatLang(self.env, self.min_overdue),
                )
            )
        filters.append(
            self.env._(
                "Interactions from %(date)s", date=format_date(self.env, self.date_from)
            )
        )
        return self.env._(
            "Filters: %(filters)s. Amounts as at the end of the as-of date; collector, "
            "level, status, flags and plans as they are today.",
            filters="; ".join(filters),
        )
