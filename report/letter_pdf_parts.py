"""A batch of letters printed in parts, one wkhtmltopdf process per core.

wkhtmltopdf draws one page after the other on one core: printing a batch of
100 letters kept one core busy and the others idle for most of the wait. The
batch is cut into consecutive parts of as many letters, printed at the same
time, and the parts' PDFs are joined in order. The report splits a batch into
one PDF per letter by the top-level outline that starts each letter
(``ir.actions.report._render_qweb_pdf_prepare_streams``, which copies pages
only): the joined PDF keeps those outlines and the named destinations they
point to, as wkhtmltopdf writes them (the page as a number); the outlines
under them are not kept.
"""

import io
import os
from concurrent.futures import ThreadPoolExecutor

from odoo.tools.pdf import (
    ArrayObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    PdfFileReader,
    PdfFileWriter,
)

# a part smaller than this costs more in starting its process than it saves
MIN_PART_LETTERS = 10
# at most this many processes for one batch, whatever the cores: each holds
# a rendering engine in memory, and the server's other workers print too
MAX_PARTS = 4


def _cores():
    """The cores this server may use."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def part_count(bodies):
    """How many processes print ``bodies``: one per core (at most
    ``MAX_PARTS``), each with at least ``MIN_PART_LETTERS`` letters."""
    return max(1, min(_cores(), MAX_PARTS, len(bodies) // MIN_PART_LETTERS))


def cut(bodies, count):
    """``bodies`` cut into at most ``count`` consecutive parts of as many
    letters (give or take one), as ``(start, stop)`` index pairs; none is
    empty."""
    count = max(1, min(count, len(bodies)))
    size, extra = divmod(len(bodies), count)
    bounds, start = [], 0
    for number in range(count):
        stop = start + size + (number < extra)
        bounds.append((start, stop))
        start = stop
    return bounds


def run_parts(commands, run, at_once=True):
    """The result of ``run(command)`` for each command, in order: all at
    the same time (one thread each waits for its process), or one after the
    other."""
    if not at_once or len(commands) == 1:
        return [run(command) for command in commands]
    with ThreadPoolExecutor(len(commands)) as pool:
        return list(pool.map(run, commands))


def _top_outlines(reader):
    """The top-level outlines of a PDF wkhtmltopdf wrote: (title, page,
    destination after the page) in order."""
    root = reader.trailer["/Root"]
    if "/Outlines" not in root or "/First" not in root["/Outlines"]:
        return []
    outlines, node = [], root["/Outlines"]["/First"]
    while node is not None:
        destination = root["/Dests"][node["/Dest"]]
        outlines.append((node["/Title"], int(destination[0]), destination[1:]))
        node = node["/Next"] if "/Next" in node else None
    return outlines


def join(pdfs):
    """The PDFs of consecutive parts as one PDF: their pages in order, and one
    top-level outline per top-level outline of the parts, pointing to its page
    in the joined document."""
    writer = PdfFileWriter()
    destinations = DictionaryObject()
    items, offset = [], 0
    for part, content in enumerate(pdfs):
        reader = PdfFileReader(io.BytesIO(content))
        for number in range(reader.numPages):
            writer.addPage(reader.getPage(number))
        for number, (title, page, view) in enumerate(_top_outlines(reader)):
            name = NameObject(f"/__PART{part}_{number}")
            destinations[name] = ArrayObject([NumberObject(page + offset), *view])
            items.append((title, name))
        offset += reader.numPages
    if items:
        _write_outlines(writer, items, destinations)
    stream = io.BytesIO()
    writer.write(stream)
    return stream.getvalue()


def _write_outlines(writer, items, destinations):
    """The document's outlines: ``items`` ((title, destination name)) at the
    top level, in order; ``destinations`` names their pages."""
    outlines = DictionaryObject({NameObject("/Type"): NameObject("/Outlines")})
    parent = writer._add_object(outlines)
    refs = [
        writer._add_object(
            DictionaryObject(
                {
                    NameObject("/Title"): title,
                    NameObject("/Dest"): name,
                    NameObject("/Parent"): parent,
                }
            )
        )
        for title, name in items
    ]
    for previous, ref in zip(refs, refs[1:], strict=False):
        previous.get_object()[NameObject("/Next")] = ref
        ref.get_object()[NameObject("/Prev")] = previous
    outlines[NameObject("/First")] = refs[0]
    outlines[NameObject("/Last")] = refs[-1]
    outlines[NameObject("/Count")] = NumberObject(len(refs))
    writer._root_object[NameObject("/Outlines")] = parent
    writer._root_object[NameObject("/Dests")] = writer._add_object(destinations)
    writer._root_object[NameObject("/PageMode")] = NameObject("/UseOutlines")
