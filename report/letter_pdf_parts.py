"""A batch of letters printed in parts, one wkhtmltopdf process per core.

wkhtmltopdf draws one page after the other on one core: printing a batch of
100 letters kept one core busy and the others idle for most of the wait. The
batch is cut into consecutive parts of about the same size, printed at the
same time, and the parts' PDFs are joined in order. The report splits a batch
into one PDF per letter by the top-level outline that starts each letter
(``ir.actions.report._render_qweb_pdf_prepare_streams``): the joined PDF keeps
those outlines, and the named destinations they point to, as wkhtmltopdf
writes them (the page as a number).
"""

import io
import os

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


def _cores():
    """The cores this server may use."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def part_count(bodies):
    """How many processes print ``bodies``: one per core, each with at
    least ``MIN_PART_LETTERS`` letters."""
    return max(1, min(_cores(), len(bodies) // MIN_PART_LETTERS))


def cut(bodies, count):
    """``bodies`` cut into at most ``count`` consecutive parts of about the
    same length of HTML (a letter's length follows its lines, hence its
    pages), as ``(start, stop)`` index pairs; none is empty."""
    count = min(count, len(bodies))
    total = sum(len(body) for body in bodies)
    bounds, start, done = [], 0, 0
    for index, body in enumerate(bodies[:-1]):
        done += len(body)
        if len(bounds) < count - 1 and done >= total * (len(bounds) + 1) / count:
            bounds.append((start, index + 1))
            start = index + 1
    bounds.append((start, len(bodies)))
    return bounds


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
    top-level outline per outline of the parts, pointing to its page in the
    joined document."""
    writer = PdfFileWriter()
    destinations = DictionaryObject()
    items, offset = [], 0
    for part, content in enumerate(pdfs):
        reader = PdfFileReader(io.BytesIO(content))
        for page in reader.pages:
            writer.add_page(page)
        for number, (title, page, view) in enumerate(_top_outlines(reader)):
            name = NameObject(f"/__PART{part}_{number}")
            destinations[name] = ArrayObject([NumberObject(page + offset), *view])
            items.append((title, name))
        offset += len(reader.pages)
    if items:
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
    stream = io.BytesIO()
    writer.write(stream)
    return stream.getvalue()
