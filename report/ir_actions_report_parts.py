import logging
import tempfile
from contextlib import ExitStack
from pathlib import Path
from urllib.parse import urlsplit

from odoo import models, modules
from odoo.exceptions import UserError
from odoo.http import request, root
from odoo.service import security

from odoo.addons.base.models import ir_actions_report as base_report

from .letter_pdf_parts import cut, join, run_parts

_logger = logging.getLogger(__name__)


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    def _debt_run_wkhtmltopdf_parts(
        self,
        bodies,
        report_ref,
        header,
        footer,
        parts,
        landscape,
        specific_paperformat_args,
        set_viewport_size,
    ):
        """The PDF of a batch printed by ``parts`` wkhtmltopdf processes at
        once, each given consecutive letters (``letter_pdf_parts``), with the
        arguments, the letterhead and the session of the single call. Each
        body file keeps its place in the batch in its name: the layout's
        script finds the letter's header by it.

        Each part goes through Odoo's own launcher
        (``ir_actions_report._run_wkhtmltopdf``); under tests, whose harness
        wraps that launcher in the test cursor's lock, the parts run one
        after the other."""
        paperformat = self._get_report(report_ref).get_paperformat()
        args = self._build_wkhtmltopdf_args(
            paperformat,
            landscape,
            specific_paperformat_args=specific_paperformat_args,
            set_viewport_size=set_viewport_size,
        )
        with ExitStack() as stack:
            folder = Path(stack.enter_context(tempfile.TemporaryDirectory()))

            def write(name, html):
                (folder / name).write_text(html, encoding="utf-8")
                return str(folder / name)

            files = []
            if header:
                files += ["--header-html", write("report.header.tmp.html", header)]
            if footer:
                files += ["--footer-html", write("report.footer.tmp.html", footer)]
            paths = [
                write(f"report.body.tmp.{index}.html", body)
                for index, body in enumerate(bodies)
            ]
            bounds = cut(bodies, parts)
            cookies = (
                self._debt_session_cookies(stack, folder, len(bounds))
                if request and request.db
                else [[] for _bound in bounds]
            )
            commands = [
                [
                    *args,
                    *cookie,
                    *files,
                    *paths[start:stop],
                    str(folder / f"part{number}.pdf"),
                ]
                for number, ((start, stop), cookie) in enumerate(
                    zip(bounds, cookies, strict=True)
                )
            ]
            processes = run_parts(
                commands,
                base_report._run_wkhtmltopdf,
                at_once=not modules.module.current_test,
            )
            self._debt_check_wkhtmltopdf(processes)
            return join([Path(command[-1]).read_bytes() for command in commands])

    def _debt_session_cookies(self, stack, folder, count):
        """The cookie of a temporary copy of the user's session, in one
        cookie jar per part (wkhtmltopdf writes its jar back when it ends),
        for wkhtmltopdf to load what the letters show as the user; the copy
        is deleted once the batch is printed. As core's single call does it
        (``IrActionsReport._run_wkhtmltopdf``)."""
        session = root.session_store.new()
        session.update({**request.session, "debug": "", "_trace_disable": True})
        if session.uid:
            session.session_token = security.compute_session_token(session, self.env)
        root.session_store.save(session)
        stack.callback(root.session_store.delete, session)
        domain = urlsplit(self._get_report_url()).hostname
        cookie = f"session_id={session.sid}; HttpOnly; domain={domain}; path=/;"
        jars = [folder / f"cookie_jar.{number}.txt" for number in range(count)]
        for jar in jars:
            jar.write_text(cookie)
        return [["--cookie-jar", str(jar)] for jar in jars]

    def _debt_check_wkhtmltopdf(self, processes):
        """A part that wkhtmltopdf could not print fails the batch, as the
        single call does; every part's warnings are logged (exit code 1:
        printed, with warnings)."""
        failed = None
        for process in processes:
            if process.returncode == 1:
                _logger.warning("wkhtmltopdf: %s", process.stderr)
            elif process.returncode and not failed:
                failed = process
        if not failed:
            return
        if failed.returncode == -11:
            message = self.env._(
                "Wkhtmltopdf failed (error code: %(error_code)s). Memory limit too "
                "low or maximum file number of subprocess reached. Message : "
                "%(message)s",
                error_code=failed.returncode,
                message=failed.stderr[-1000:],
            )
        else:
            message = self.env._(
                "Wkhtmltopdf failed (error code: %(error_code)s). Message: %(message)s",
                error_code=failed.returncode,
                message=failed.stderr[-1000:],
            )
        _logger.warning(message)
        raise UserError(message)
