import io
import re
import subprocess
from pathlib import Path
from unittest.mock import patch

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.http import root
from odoo.tests import BaseCase, HttpCase, tagged
from odoo.tools.pdf import PdfFileReader

from odoo.addons.base.models import ir_actions_report
from odoo.addons.http_routing.tests.common import MockRequest

from ..report import letter_pdf_parts
from ..report.letter_pdf_parts import cut, join
from .letter_common import LETTER_REPORT, LetterCommon
from .test_letter_print import page_images


class TestLetterPartsCut(BaseCase):
    """A batch is cut into consecutive parts of about the same size."""

    def test_parts_are_consecutive_and_cover_the_batch(self):
        bodies = ["x" * size for size in (10, 10, 10, 10, 10, 10)]
        self.assertEqual(cut(bodies, 2), [(0, 3), (3, 6)])
        self.assertEqual(cut(bodies, 3), [(0, 2), (2, 4), (4, 6)])
        self.assertEqual(cut(bodies, 1), [(0, 6)])

    def test_parts_follow_the_length_of_the_letters(self):
        # a long letter (more lines, more pages) weighs as much as several
        self.assertEqual(cut(["x" * 50, "x", "x", "x", "x"], 2), [(0, 1), (1, 5)])

    def test_no_part_is_empty(self):
        self.assertEqual(cut(["x" * 100, "x"], 3), [(0, 1), (1, 2)])
        self.assertEqual(cut(["x"], 2), [(0, 1)])

    def test_a_part_per_core_with_enough_letters_each(self):
        with patch.object(letter_pdf_parts, "_cores", return_value=2):
            self.assertEqual(letter_pdf_parts.part_count(["x"] * 19), 1)
            self.assertEqual(letter_pdf_parts.part_count(["x"] * 20), 2)
            self.assertEqual(letter_pdf_parts.part_count(["x"] * 500), 2)
        with patch.object(letter_pdf_parts, "_cores", return_value=1):
            self.assertEqual(letter_pdf_parts.part_count(["x"] * 500), 1)


@tagged("post_install", "-at_install")
@freeze_time(LetterCommon.TODAY)
class TestLetterParts(LetterCommon):
    """A batch of letters printed by several wkhtmltopdf processes at once
    gives the very letters one process prints, each stored with its own
    pages."""

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
        self.letters = (
            self.letter_interaction(self.levels[2])
            | self.letter_interaction(self.levels[3], partner=self.other)
            | self.letter_interaction(self.levels[3])
        )

    def streams(self, parts):
        """Each letter's PDF as the batch print splits it, printed in
        ``parts`` processes, and the commands wkhtmltopdf was given."""
        commands = []

        def run(args):
            commands.append(args)
            return real(args)

        real = ir_actions_report._run_wkhtmltopdf
        with (
            self.allow_pdf_render(),
            patch.object(letter_pdf_parts, "MIN_PART_LETTERS", 1),
            patch.object(letter_pdf_parts, "_cores", return_value=parts),
            patch.object(ir_actions_report, "_run_wkhtmltopdf", side_effect=run),
        ):
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
        self.assertTrue(
            all(Path(arg).name.startswith("report.body.tmp.2.") for arg in bodies[1]),
            "each body keeps its place in the batch: its letterhead is found by it",
        )
        self.assertEqual(set(parted), set(self.letters.ids))
        for letter in self.letters:
            self.assertEqual(
                page_images(parted[letter.id]),
                page_images(single[letter.id]),
                f"{letter.followup_id.partner_id.name}: not the letter one call prints",
            )
        self.assertIn(self.other.name, _text(parted[self.letters[1].id]))
        leftovers = [
            arg
            for args in part_calls
            for arg in args
            if arg.endswith((".html", ".pdf")) and Path(arg).exists()
        ]
        self.assertEqual(leftovers, [], "the parts' files are removed")

    def test_parts_load_the_letters_with_the_users_session(self):
        """Printed from a screen, each part loads the letters with a copy of
        the user's session, as the single call does; the copy is deleted
        once the batch is printed."""
        sessions = []
        real = ir_actions_report._run_wkhtmltopdf

        def run(args):
            jar = Path(args[args.index("--cookie-jar") + 1]).read_text()
            sid = re.match(r"session_id=([^;]+);", jar).group(1)
            sessions.append((sid, bool(root.session_store.get(sid).get("uid"))))
            return real(args)

        with MockRequest(self.env) as request:
            request.session["uid"] = self.env.uid
            with patch.object(ir_actions_report, "_run_wkhtmltopdf", side_effect=run):
                parted, commands = self.streams(parts=2)
        self.assertEqual(len(commands), 2)
        self.assertEqual(len(sessions), 2)
        self.assertEqual(len({sid for sid, _uid in sessions}), 1, "one session copy")
        self.assertTrue(all(uid for _sid, uid in sessions), "the user's session")
        self.assertFalse(
            root.session_store.get(sessions[0][0]).get("uid"), "the copy is deleted"
        )
        self.assertEqual(set(parted), set(self.letters.ids))

    def test_a_part_that_fails_fails_the_batch(self):
        real = ir_actions_report._run_wkhtmltopdf

        def second_part_fails(args):
            if any(".body.tmp.0." in arg for arg in args):
                return real(args)
            return subprocess.CompletedProcess(args, 2, "", "Exit with code 2")

        printer = self.env[
            "report.account_debt_recovery.report_debt_recovery_letter"
        ].with_context(force_report_rendering=True)
        with (
            self.allow_pdf_render(),
            patch.object(letter_pdf_parts, "MIN_PART_LETTERS", 1),
            patch.object(letter_pdf_parts, "_cores", return_value=2),
            patch.object(
                ir_actions_report, "_run_wkhtmltopdf", side_effect=second_part_fails
            ),
            self.assertRaisesRegex(UserError, "error code: 2"),
        ):
            printer._debt_print_letters(self.letters)
        self.assertEqual(set(self.letters.mapped("letter_state")), {"to_print"})
        self.assertFalse(self.letters.letter_attachment_id, "no letter stored")


class TestLetterPartsJoin(BaseCase):
    """The joined PDF keeps one top-level outline per letter, pointing to
    the page where the letter starts, as the batch print needs to split it."""

    def test_outlines_point_into_the_joined_pages(self):
        first = _pdf_with_outlines(pages=3, starts=[0, 2])
        second = _pdf_with_outlines(pages=2, starts=[0])
        reader = PdfFileReader(io.BytesIO(join([first, second])))
        self.assertEqual(len(reader.pages), 5)
        self.assertEqual(letter_pdf_parts._top_outlines(reader)[0][1], 0)
        self.assertEqual(
            [page for _title, page, _view in letter_pdf_parts._top_outlines(reader)],
            [0, 2, 3],
        )


def _text(pdf):
    return "".join(page.extract_text() for page in PdfFileReader(io.BytesIO(pdf)).pages)


def _pdf_with_outlines(pages, starts):
    """A PDF of blank pages with a top-level outline at each of ``starts``,
    written as wkhtmltopdf writes them (named destinations, page numbers)."""
    from odoo.tools.pdf import (  # noqa: PLC0415
        ArrayObject,
        DictionaryObject,
        NameObject,
        NumberObject,
        PdfFileWriter,
        create_string_object,
    )

    writer = PdfFileWriter()
    for _page in range(pages):
        writer.add_blank_page(200, 200)
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
