import io
import re
import subprocess
import time
from pathlib import Path
from unittest.mock import patch

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.http import root
from odoo.tests import BaseCase, HttpCase, tagged
from odoo.tools.pdf import (
    ArrayObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    PdfFileReader,
    PdfFileWriter,
    create_string_object,
)

from odoo.addons.base.models import ir_actions_report
from odoo.addons.http_routing.tests.common import MockRequest

from ..report import letter_pdf_parts
from ..report.letter_pdf_parts import cut, join, run_parts
from .letter_common import LETTER_REPORT, LetterCommon
from .test_letter_print import page_images


@tagged("post_install", "-at_install")
class TestLetterPartsCut(BaseCase):
    """A batch is cut into consecutive parts of as many letters, one per
    core, and the parts are printed at the same time."""

    def test_parts_are_consecutive_and_cover_the_batch(self):
        bodies = ["x"] * 6
        self.assertEqual(cut(bodies, 2), [(0, 3), (3, 6)])
        self.assertEqual(cut(bodies, 3), [(0, 2), (2, 4), (4, 6)])
        self.assertEqual(cut(bodies, 4), [(0, 2), (2, 4), (4, 5), (5, 6)])
        self.assertEqual(cut(bodies, 1), [(0, 6)])

    def test_no_part_is_empty(self):
        self.assertEqual(cut(["x", "x"], 3), [(0, 1), (1, 2)])
        self.assertEqual(cut(["x"], 2), [(0, 1)])

    def test_a_part_per_core_with_enough_letters_each(self):
        with patch.object(letter_pdf_parts, "_cores", return_value=2):
            self.assertEqual(letter_pdf_parts.part_count(["x"] * 19), 1)
            self.assertEqual(letter_pdf_parts.part_count(["x"] * 20), 2)
            self.assertEqual(letter_pdf_parts.part_count(["x"] * 500), 2)
        with patch.object(letter_pdf_parts, "_cores", return_value=1):
            self.assertEqual(letter_pdf_parts.part_count(["x"] * 500), 1)
        with patch.object(letter_pdf_parts, "_cores", return_value=64):
            self.assertEqual(
                letter_pdf_parts.part_count(["x"] * 5000), letter_pdf_parts.MAX_PARTS
            )

    def test_parts_run_at_the_same_time(self):
        spans = []

        def run(command):
            started = time.monotonic()
            time.sleep(0.3)
            spans.append((started, time.monotonic()))
            return command

        self.assertEqual(run_parts(["a", "b"], run), ["a", "b"], "in order")
        (first_start, first_end), (second_start, second_end) = sorted(spans)
        self.assertLess(second_start, first_end, "the second waited for the first")
        spans.clear()
        self.assertEqual(run_parts(["a", "b"], run, at_once=False), ["a", "b"])
        (_start, first_end), (second_start, _end) = sorted(spans)
        self.assertGreaterEqual(second_start, first_end)


@tagged("post_install", "-at_install")
@freeze_time(LetterCommon.TODAY)
class TestLetterParts(LetterCommon):
    """A batch of letters printed by several wkhtmltopdf processes gives the
    very letters one process prints, each stored with its own pages and its
    own company's letterhead."""

    def setUp(self):
        super().setUp()
        params = self.env["ir.config_parameter"].sudo()
        if HttpCase.http_port():
            params.set_param("report.url", HttpCase.base_url())
        self.other = self.env["res.partner"].create(
            {"name": "Second Customer", "email": "second@example.com"}
        )
        for days in (70, 60, 40):
            self.invoice(120.0 + days, self.days_ago(days), partner=self.other)
        branch = self.setup_other_company(name="Other Letterhead Ltd")
        branch["company"].write(
            {"street": "99 Other Avenue", "report_footer": "Other footer"}
        )
        self.invoice(500.0, self.days_ago(20), company_data=branch)
        branch_level = (
            self.env["debt.recovery.policy"]
            ._default_for_company(branch["company"])
            .level_ids.sorted()[0]
        )
        # the branch's letter is the first of the second part
        self.letters = (
            self.letter_interaction(self.levels[2])
            | self.letter_interaction(self.levels[3], partner=self.other)
            | self.letter_interaction(branch_level)
        )

    def streams(self, parts):
        """Each letter's PDF as the batch print splits it, printed in
        ``parts`` processes through Odoo's launcher (the test harness's own
        wrapper included), and the commands wkhtmltopdf was given."""
        commands = []
        with (
            self.allow_pdf_render(),
            patch.object(letter_pdf_parts, "MIN_PART_LETTERS", 1),
            patch.object(letter_pdf_parts, "_cores", return_value=parts),
        ):
            launcher = ir_actions_report._run_wkhtmltopdf

            def run(args):
                commands.append(args)
                return launcher(args)

            with patch.object(ir_actions_report, "_run_wkhtmltopdf", run):
                streams = (
                    self.env["ir.actions.report"]
                    .with_context(
                        force_report_rendering=True, report_pdf_no_attachment=True
                    )
                    ._render_qweb_pdf_prepare_streams(
                        LETTER_REPORT, {}, res_ids=self.letters.ids
                    )
                )
        return {
            res_id: value["stream"].getvalue()
            for res_id, value in streams.items()
            if res_id
        }, commands

    def test_parts_print_the_same_letters_as_one_call(self):
        single, one_call = self.streams(parts=1)
        parted, part_calls = self.streams(parts=2)
        self.assertEqual(len(one_call), 1)
        self.assertEqual(len(part_calls), 2, "two processes, one per core")
        bodies = [[arg for arg in args if ".body." in arg] for args in part_calls]
        self.assertEqual([len(files) for files in bodies], [2, 1])
        self.assertEqual(set(parted), set(self.letters.ids))
        for letter in self.letters:
            self.assertEqual(
                page_images(parted[letter.id]),
                page_images(single[letter.id]),
                f"{letter.followup_id.partner_id.name}: not the letter one call prints",
            )
        branch_letter = _text(parted[self.letters[2].id])
        self.assertIn("99 Other Avenue", branch_letter, "its own letterhead")
        self.assertNotIn("1 Letterhead Street", branch_letter)
        self.assertIn(self.other.name, _text(parted[self.letters[1].id]))
        leftovers = [
            arg
            for args in part_calls
            for arg in args
            if arg.endswith((".html", ".pdf", ".txt")) and Path(arg).exists()
        ]
        self.assertEqual(leftovers, [], "the parts' files are removed")

    def test_parts_load_the_letters_with_the_users_session(self):
        """Printed from a screen, each part loads the letters with a copy of
        the user's session, from a cookie jar of its own (wkhtmltopdf writes
        it back); the copy is deleted once the batch is printed."""
        jars = []
        launcher = ir_actions_report._run_wkhtmltopdf

        def run(args):
            jar = args[args.index("--cookie-jar") + 1]
            sid = re.match(r"session_id=([^;]+);", Path(jar).read_text()).group(1)
            jars.append((jar, sid, bool(root.session_store.get(sid).get("uid"))))
            return launcher(args)

        with MockRequest(self.env) as request:
            request.session["uid"] = self.env.uid
            with patch.object(ir_actions_report, "_run_wkhtmltopdf", run):
                parted, commands = self.streams(parts=2)
        self.assertEqual(len(commands), 2)
        self.assertEqual(len({jar for jar, _sid, _uid in jars}), 2, "a jar each")
        self.assertEqual(len({sid for _jar, sid, _uid in jars}), 1, "one session copy")
        self.assertTrue(all(uid for _jar, _sid, uid in jars), "the user's session")
        self.assertFalse(
            root.session_store.get(jars[0][1]).get("uid"), "the copy is deleted"
        )
        self.assertEqual(set(parted), set(self.letters.ids))

    def test_a_part_that_fails_fails_the_batch(self):
        printer = self.env[
            "report.account_debt_recovery.report_debt_recovery_letter"
        ].with_context(force_report_rendering=True)
        with (
            self.allow_pdf_render(),
            patch.object(letter_pdf_parts, "MIN_PART_LETTERS", 1),
            patch.object(letter_pdf_parts, "_cores", return_value=2),
        ):
            launcher = ir_actions_report._run_wkhtmltopdf

            def second_part_fails(args):
                if any(".body.tmp.0." in arg for arg in args):
                    return launcher(args)
                return subprocess.CompletedProcess(args, -11, "", "Segmentation fault")

            with (
                patch.object(ir_actions_report, "_run_wkhtmltopdf", second_part_fails),
                self.assertRaisesRegex(UserError, r"error code: -11\). Memory limit"),
            ):
                printer._debt_print_letters(self.letters)
        self.assertEqual(set(self.letters.mapped("letter_state")), {"to_print"})
        self.assertFalse(self.letters.letter_attachment_id, "no letter stored")


@tagged("post_install", "-at_install")
class TestLetterPartsJoin(BaseCase):
    """The joined PDF keeps one top-level outline per letter, pointing to
    the page where the letter starts, as the batch print needs to split it."""

    def test_outlines_point_into_the_joined_pages(self):
        first = _pdf_with_outlines(pages=3, starts=[0, 2])
        second = _pdf_with_outlines(pages=2, starts=[0])
        reader = PdfFileReader(io.BytesIO(join([first, second])))
        self.assertEqual(reader.numPages, 5)
        root_object = reader.trailer["/Root"]
        pages, node = [], root_object["/Outlines"]["/First"]
        while True:  # as ir.actions.report reads them to split a batch
            pages.append(root_object["/Dests"][node["/Dest"]][0])
            if "/Next" not in node:
                break
            node = node["/Next"]
        self.assertEqual(pages, [0, 2, 3])


def _text(pdf):
    reader = PdfFileReader(io.BytesIO(pdf))
    return "".join(reader.getPage(n).extract_text() for n in range(reader.numPages))


def _pdf_with_outlines(pages, starts):
    """A PDF of blank pages with a top-level outline at each of ``starts``,
    written as wkhtmltopdf writes them (named destinations, page numbers)."""
    writer = PdfFileWriter()
    for _page in range(pages):
        writer.addBlankPage(200, 200)
    destinations = DictionaryObject()
    outlines = DictionaryObject({NameObject("/Type"): NameObject("/Outlines")})
    parent = writer._add_object(outlines)
    refs = []
    for number, start in enumerate(starts):
        name = NameObject(f"/__WKANCHOR_{number}")
        destinations[name] = ArrayObject(
            [NumberObject(start), NameObject("/XYZ"), NumberObject(0)]
        )
        item = {
            NameObject("/Title"): create_string_object(f"Letter {number}"),
            NameObject("/Dest"): name,
            NameObject("/Parent"): parent,
        }
        refs.append(writer._add_object(DictionaryObject(item)))
    for previous, ref in zip(refs, refs[1:], strict=False):
        previous.get_object()[NameObject("/Next")] = ref
    outlines[NameObject("/First")] = refs[0]
    writer._root_object[NameObject("/Outlines")] = parent
    writer._root_object[NameObject("/Dests")] = writer._add_object(destinations)
    stream = io.BytesIO()
    writer.write(stream)
    return stream.getvalue()
