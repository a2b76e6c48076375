import json
import os
import socket
from urllib.parse import urlsplit

import lxml.html
from lxml import etree

from odoo import SUPERUSER_ID, models
from odoo.exceptions import UserError
from odoo.tools import config

from odoo.addons.base.models import ir_actions_report as base_report

from .letter_pdf_parts import part_count
from .letter_styles import (
    inlinable,
    inline_stylesheets,
    linked_stylesheets,
    purged_stylesheet,
)

LETTER_TEMPLATE = "account_debt_recovery.report_debt_recovery_letter"
# Reports printed in batches of many customers (one wkhtmltopdf call).
BATCH_TEMPLATES = {
    LETTER_TEMPLATE,
    "account_debt_recovery.report_debt_recovery_level_letter",
    "account_debt_recovery.report_debt_recovery_statement",
    "account_debt_recovery.report_followup_statement",
}
# The paper formats looked up while a batch's layout is rendered (cursor cache).
PAPERFORMATS_KEY = "account_debt_recovery.paperformats"
# The JavaScript delay of a batch of letters (ms). Their only script (page
# numbers, each letter's letterhead) runs on load, which wkhtmltopdf waits
# for: a delay adds time and nothing else (100 ms cost 2.3 s for 100 letters
# that printed the same).
DEFAULT_PRINT_DELAY = 0
# The stylesheets a batch may inline: the asset bundles the server stores,
# and the report bundles, generated when the server has not yet been asked
# for them.
ASSETS_PREFIX = "/web/assets/"
REPORT_BUNDLES = {"web.report_assets_common", "web.report_assets_pdf"}
# wkhtmltopdf splits no table of a body this long: such a batch prints in one
# call, which does (the core's limit)
SPLIT_TABLES_SIZE = 4 * 1024 * 1024


def _share_layouts(html, node_id, variable):
    """The header (or footer) document of a batch with one copy of each
    distinct header instead of one per letter.

    wkhtmltopdf loads this document for every page and the layout's script
    keeps ``<variable>.children[index]``, the header of the page's letter: a
    batch of n letters would load n headers (and n logos) per page. The
    script is given the position of each letter's header among the distinct
    ones. Left as it is if the layout's script is not the one expected.
    """
    target = f"{variable}.children[index]"
    if not html or html.count(target) != 1:
        return html
    root = lxml.html.fromstring(html)
    node = root.get_element_by_id(node_id, None)
    if node is None:
        return html
    distinct, positions = {}, []
    for child in list(node):
        key = etree.tostring(child)
        if key in distinct:
            node.remove(child)
        else:
            distinct[key] = len(distinct)
        positions.append(distinct[key])
    if len(distinct) == len(positions):
        return html
    shared = lxml.html.tostring(root, encoding="unicode", doctype="<!DOCTYPE html>")
    return shared.replace(
        target, f"{variable}.children[{json.dumps(positions)}[index]]"
    )


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    def retrieve_attachment(self, record):
        """A letter of the debt recovery log is printed once: later prints give
        back the stored letter (``letter_attachment_id``), also when it was
        rendered for the email that carried it."""
        if (
            record._name == "debt.recovery.interaction"
            and self.report_name == LETTER_TEMPLATE
        ):
            return record.letter_attachment_id or None
        return super().retrieve_attachment(record)

    def _run_wkhtmltopdf(
        self,
        bodies,
        report_ref=False,
        header=None,
        footer=None,
        landscape=False,
        specific_paperformat_args=None,
        set_viewport_size=False,
    ):
        """Batches of letters: one shared copy of each letterhead, only the
        style rules each document can use, inline, and the JavaScript delay
        a static letter needs (``account_debt_recovery.letter_print_delay``,
        ms)."""
        report = self
        if report_ref and self._get_report(report_ref).report_name in BATCH_TEMPLATES:
            self._debt_check_styling_reachable()
            header = _share_layouts(header, "minimal_layout_report_headers", "header")
            footer = _share_layouts(footer, "minimal_layout_report_footers", "footer")
            header, footer, bodies = self._debt_inline_styles(header, footer, bodies)
            delay = (
                self.env["ir.config_parameter"]
                .sudo()
                .get_param(
                    "account_debt_recovery.letter_print_delay", DEFAULT_PRINT_DELAY
                )
            )
            report = self.with_context(debt_recovery_print_delay=int(delay))
            parts = part_count(bodies)
            if (
                parts > 1
                and base_report._wkhtml().is_patched_qt
                and all(len(body) < SPLIT_TABLES_SIZE for body in bodies)
            ):
                return report._debt_run_wkhtmltopdf_parts(
                    bodies,
                    report_ref,
                    header,
                    footer,
                    parts,
                    landscape,
                    specific_paperformat_args,
                    set_viewport_size,
                )
        return super(IrActionsReport, report)._run_wkhtmltopdf(
            bodies,
            report_ref=report_ref,
            header=header,
            footer=footer,
            landscape=landscape,
            specific_paperformat_args=specific_paperformat_args,
            set_viewport_size=set_viewport_size,
        )

    def _debt_inline_styles(self, header, footer, bodies):
        """The header, the footer and the bodies of a batch, each with the
        rules of the server's stylesheets it links that can apply to it (the
        bodies share theirs), inline instead of linked: wkhtmltopdf parses
        what a document links for every letter and every page."""
        bodies = list(bodies)
        documents = [html for html in (header, footer, *bodies) if html]
        addresses = {
            address
            for html in documents
            for address in linked_stylesheets(html)
            if address.startswith(ASSETS_PREFIX)
        }
        if not addresses:
            return header, footer, bodies
        sheets = self._debt_stylesheets(addresses)
        if not sheets:
            return header, footer, bodies

        def inline(group):
            styles = {
                address: purged_stylesheet(css, group)
                for address, css in sheets.items()
            }
            return [inline_stylesheets(html, styles) for html in group]

        return (
            header and inline([header])[0],
            footer and inline([footer])[0],
            inline(bodies) if bodies else bodies,
        )

    def _debt_stylesheets(self, addresses):
        """The text of the stylesheet bundles at ``addresses``
        (``/web/assets/<version>/<file>``) as the server would serve them:
        stored, or generated now (the server generates a bundle when it is
        first asked for it). A bundle that would not read the same inline is
        left out (see ``inlinable``)."""
        sheets = {}
        attachments = self.env["ir.attachment"].sudo()
        for address in sorted(addresses):
            stored = attachments.search_fetch(
                [
                    ("url", "=", address),
                    ("public", "=", True),
                    ("res_model", "=", "ir.ui.view"),
                    ("res_id", "=", 0),
                    ("create_uid", "=", SUPERUSER_ID),
                ],
                ["raw"],
                limit=1,
            )
            if not stored:
                stored = self._debt_generate_stylesheet(address)
            if stored and stored.raw and inlinable(css := stored.raw.decode()):
                sheets[address] = css
        return sheets

    def _debt_generate_stylesheet(self, address):
        """The report stylesheet bundle at ``address``, generated; nothing
        when the address names no current report stylesheet bundle."""
        version, _slash, filename = address[len(ASSETS_PREFIX) :].partition("/")
        try:
            name, rtl, kind, autoprefix = self.env["ir.asset"]._parse_bundle_name(
                filename, False
            )
            if kind != "css" or name not in REPORT_BUNDLES:
                return None
            bundle = self.env["ir.qweb"]._get_asset_bundle(
                name, css=True, js=False, rtl=rtl, autoprefix=autoprefix
            )
            if bundle.get_version("css") != version or not bundle.stylesheets:
                return None
            return bundle.css().sudo()
        except ValueError:
            return None

    def _prepare_html(self, html, report_model=False):
        """The layout around each letter of a batch looks its paper format up
        by XML id: once for the batch, not once per letter."""
        if self.report_name not in BATCH_TEMPLATES:
            return super()._prepare_html(html, report_model=report_model)
        self.env.cr.cache[PAPERFORMATS_KEY] = {}
        try:
            return super()._prepare_html(html, report_model=report_model)
        finally:
            self.env.cr.cache.pop(PAPERFORMATS_KEY, None)

    def get_paperformat_by_xmlid(self, xml_id):
        known = self.env.cr.cache.get(PAPERFORMATS_KEY)
        if known is None or not xml_id:
            return super().get_paperformat_by_xmlid(xml_id)
        if xml_id not in known:
            known[xml_id] = super().get_paperformat_by_xmlid(xml_id)
        return known[xml_id]

    def _debt_check_styling_reachable(self):
        """wkhtmltopdf loads the letters' fonts from the server: when
        the server does not answer at the report URL, it silently prints
        letters without them. Refuse instead, saying why."""
        url = self._get_report_url()
        parsed = urlsplit(url)
        port = parsed.port or (443 if parsed.scheme == "https" else 80)
        try:
            with socket.create_connection((parsed.hostname, port), timeout=5):
                answered = True
        except OSError:
            answered = False
        if not answered:
            raise UserError(
                self.env._(
                    "The letters cannot be printed on the company's paper: the "
                    "styling is loaded from %(url)s, which does not answer. Set the "
                    "system parameter report.url to an address of this server "
                    "that the server itself can reach.",
                    url=url,
                )
            )

    def _build_wkhtmltopdf_args(
        self,
        paperformat_id,
        landscape,
        specific_paperformat_args=None,
        set_viewport_size=False,
    ):
        args = super()._build_wkhtmltopdf_args(
            paperformat_id,
            landscape,
            specific_paperformat_args=specific_paperformat_args,
            set_viewport_size=set_viewport_size,
        )
        delay = self.env.context.get("debt_recovery_print_delay")
        if delay is None:
            return args
        if "--javascript-delay" in args:
            position = args.index("--javascript-delay") + 1
            args[position] = str(min(int(args[position]), delay))
        # wkhtmltopdf loads the letterhead and its stylesheets again for every
        # page: from a disk cache of this database (HTTP caching rules kept:
        # the stylesheets' addresses change with their content, the logo is
        # revalidated) instead of asking the server each time
        cache = os.path.join(config["data_dir"], "wkhtmltopdf", self.env.cr.dbname)
        return ["--cache-dir", cache, *args]
