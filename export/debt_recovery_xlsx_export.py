import base64
import io
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.fields import Domain
from odoo.tools.misc import format_date, formatLang

from ..models.debt_recovery_followup import STATUSES
from . import queries, sheets_followup, sheets_receivables
from .workbook import DebtRecoveryWorkbook


class DebtRecoveryXlsxExport(models.TransientModel):
    """The state of recovery for the accountants, in one workbook.

    Amounts are those of the end of the as-of date; the follow-up state
    (collector, level, status, last contact, promise, plans) is the current
    one, that of each customer's ``debt.recovery.followup``. Each sheet is one
    function (``sheets_*``), listed by ``_xlsx_sheets``.
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
        # The queries apply the rights and record rules of the journal items;
        # asking for a company one does not work in is refused plainly.
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
        return [
            sheets_receivables.overview(self, data),
            sheets_receivables.items(self, data),
            sheets_followup.interactions(self, data),
            sheets_followup.plans(self, data),
        ]

    def _xlsx_prepare(self):
        """What every sheet needs: per company, the customers the filters
        select, their overview figures at the end of the as-of date and the
        journal items of the customers listed."""
        companies = self.company_ids.sorted(
            lambda company: (company.sequence, company.name)
        )
        customers, figures, items = {}, {}, {}
        for company in companies:
            customers[company] = self._xlsx_customer_domain(company)
            domain = Domain.TRUE
            if customers[company] is not None:
                domain = Domain(
                    "partner_id.commercial_partner_id", "any", customers[company]
                )
            rows = queries.rows(
                self.env,
                queries.partner_figures_query(self.env, company, self.date_to, domain),
            )
            if self.min_overdue:
                currency = company.currency_id
                minimum = currency.round(self.min_overdue)
                kept = [
                    row
                    for row in rows
                    if currency.compare_amounts(row["overdue"], minimum) >= 0
                ]
                if len(kept) < len(rows):
                    domain = self._xlsx_items_domain(kept)
                rows = kept
            figures[company] = rows
            items[company] = domain
        return {
            "companies": companies,
            # {company: res.partner domain of the customers, None for all}
            "customers": customers,
            # {company: [{partner_id, total, overdue, bucket_..., oldest_days}]}
            "figures": figures,
            # {company: account.move.line domain of the customers listed}
            "items": items,
            "start": self._xlsx_utc(self.date_from),
            "end": self._xlsx_utc(self.date_to + timedelta(days=1)),
        }

    def _xlsx_items_domain(self, figures):
        """The journal items of the customers of ``figures``."""
        domain = Domain(
            "partner_id.commercial_partner_id",
            "in",
            [row["partner_id"] for row in figures if row["partner_id"]],
        )
        if any(not row["partner_id"] for row in figures):
            domain |= Domain("partner_id", "=", False)
        return domain

    def _xlsx_customer_domain(self, company):
        """The commercial partners the customer filters select in ``company``,
        None when there is no filter. Collector, level and status are those of
        the customer's follow-up in ``company``; a customer without one there
        is up to date, at no level, worked by its salesperson."""
        followup = without = Domain.TRUE
        if self.collector_ids:
            collectors = self.collector_ids.ids
            followup &= Domain("collector_id", "in", collectors) | (
                Domain("collector_id", "=", False)
                & Domain("partner_id.user_id", "in", collectors)
            )
            without &= Domain("user_id", "in", collectors)
        if self.level_ids:
            followup &= Domain("level_id", "in", self.level_ids.ids)
            without = Domain.FALSE
        if self.status:
            followup &= Domain("status", "=", self.status)
            if self.status != "up_to_date":
                without = Domain.FALSE
        domain = Domain.TRUE
        if self.partner_ids:
            domain = Domain("id", "in", self.partner_ids.commercial_partner_id.ids)
        if followup.is_true():
            return None if domain.is_true() else domain
        in_company = Domain("company_id", "=", company.id)
        selected = Domain("debt_followup_ids", "any", in_company & followup)
        if not without.is_false():
            selected |= Domain("debt_followup_ids", "not any", in_company) & without
        return domain & selected

    def _xlsx_scope(self, data):
        """The records of the companies of the export, each for the customers
        its filters select (on a model with a company and a customer)."""
        domains = []
        for company in data["companies"]:
            domain = Domain("company_id", "=", company.id)
            if data["customers"][company] is not None:
                domain &= Domain(
                    "partner_id.commercial_partner_id",
                    "any",
                    data["customers"][company],
                )
            domains.append(domain)
        return Domain.OR(domains)

    @api.model
    def _xlsx_labels(self, model, field_name):
        """{value: translated label} of a selection field (None for no value)."""
        labels = dict(model._fields[field_name]._description_selection(self.env))
        labels[False] = labels[None] = None
        return labels

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
            "Filters: %(filters)s. Amounts as at the end of the as-of date; the "
            "follow-up (collector, level, status, last contact, promise, plan) as "
            "it is today.",
            filters="; ".join(filters),
        )
