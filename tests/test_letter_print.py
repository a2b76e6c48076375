import base64
import hashlib
import io
import re
import subprocess
import tempfile
from pathlib import Path
from unittest.mock import patch

import qrcode
from freezegun import freeze_time
from PIL import Image

from odoo.tests import HttpCase, tagged

from odoo.addons.base.models import ir_actions_report

from ..report import ir_actions_report as letter_print
from ..report.letter_qr import MODULE_PIXELS, QUIET_MODULES
from .letter_common import LETTER_REPORT, LetterCommon

QR_RE = re.compile(
    r'<img class="o_debt_recovery_qr"[^>]*\ssrc="data:image/png;base64,([^"]+)"'
)


def page_images(content):
    """Each page of a PDF drawn at 60 dpi (pdftoppm, poppler-utils), as the
    digest of its pixels."""
    with tempfile.TemporaryDirectory() as folder:
        pdf = Path(folder, "letters.pdf")
        pdf.write_bytes(content)
        subprocess.run(
            ["pdftoppm", "-r", "60", str(pdf), str(Path(folder, "page"))], check=True
        )
        return [
            hashlib.sha256(page.read_bytes()).hexdigest()
            for page in sorted(Path(folder).glob("page*.ppm"))
        ]


@tagged("post_install", "-at_install")
@freeze_time(LetterCommon.TODAY)
class TestLetterPrint(LetterCommon):
    """A batch of letters prints with the style rules it uses inline and the
    QR code of each customer's page drawn with the letter: the same letters,
    without wkhtmltopdf parsing the whole report stylesheet for every page
    nor asking the server for each code."""

    def setUp(self):
        super().setUp()
        params = self.env["ir.config_parameter"].sudo()
        if HttpCase.http_port():
            params.set_param("report.url", HttpCase.base_url())
        self.letters = self.letter_interaction(
            self.levels[2]
        ) | self.letter_interaction(self.levels[3])

    def print_letters(self):
        """The PDF of the letters and the documents wkhtmltopdf was given."""
        documents = []

        def run(args):
            documents.extend(
                Path(arg).read_text() for arg in args if arg.endswith(".html")
            )
            return real(args)

        real = ir_actions_report._run_wkhtmltopdf
        with (
            self.allow_pdf_render(),
            patch.object(ir_actions_report, "_run_wkhtmltopdf", side_effect=run),
        ):
            pdf, _format = (
                self.env["ir.actions.report"]
                .with_context(
                    force_report_rendering=True, report_pdf_no_attachment=True
                )
                ._render_qweb_pdf(LETTER_REPORT, self.letters.ids)
            )
        return pdf, documents

    def test_letters_print_the_same_with_only_their_rules(self):
        # the reference: every rule of the stylesheets, inline
        with patch.object(
            letter_print, "purged_stylesheet", lambda css, documents: css
        ):
            whole_pdf, whole = self.print_letters()
        inline_pdf, inline = self.print_letters()

        self.assertEqual(len(whole), 4, "header, footer and two letters")
        self.assertTrue(all(len(html) > 400_000 for html in whole))
        for html in inline:
            self.assertNotRegex(html, r"<link[^>]*/web/assets/[^>]*\.css")
            self.assertIn("<style>", html)
        header, footer, *bodies = inline
        for html in inline:  # the report stylesheets alone weigh 400 KB
            self.assertLess(len(html), 100_000)
        self.assertIn(".table-sm > :not(caption)", bodies[0], "the letter's own rules")
        self.assertNotIn(".navbar", header + footer + bodies[0])
        self.assertEqual(len(bodies), 2)

        pages, reference = page_images(inline_pdf), page_images(whole_pdf)
        self.assertEqual(len(pages), len(reference))
        different = [
            number
            for number, (page, expected) in enumerate(
                zip(pages, reference, strict=True), 1
            )
            if page != expected
        ]
        self.assertEqual(different, [], "pages drawn otherwise than with every rule")

    def test_letter_qr_code_is_the_link_to_the_customer_page(self):
        html, _format = self.env["ir.actions.report"]._render_qweb_html(
            LETTER_REPORT, self.letters[:1].ids
        )
        html = html.decode()
        self.assertNotIn("/report/barcode", html, "wkhtmltopdf asks the server nothing")
        codes = QR_RE.findall(html)
        self.assertEqual(len(codes), 1)
        image = Image.open(io.BytesIO(base64.b64decode(codes[0]))).convert("1")
        size = image.width // MODULE_PIXELS
        self.assertEqual(image.size, (size * MODULE_PIXELS,) * 2)
        drawn = [
            [
                image.getpixel((column * MODULE_PIXELS + 4, row * MODULE_PIXELS + 4))
                == 0
                for column in range(size)
            ]
            for row in range(size)
        ]
        url = self.letters[:1].followup_id._portal_url()
        self.assertIn(
            url.replace("&", "&amp;"), html, "the link printed under the code"
        )
        code = qrcode.QRCode(
            border=QUIET_MODULES, error_correction=qrcode.constants.ERROR_CORRECT_L
        )
        code.add_data(url)
        code.make(fit=True)
        self.assertEqual(drawn, code.get_matrix())
