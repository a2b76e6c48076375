"""The QR code a letter prints, drawn with the letter.

The letter used to point wkhtmltopdf at the server's ``/report/barcode``
route, which drew each code with reportlab (about 80 ms each) while the batch
waited for it. The code is now drawn here, from the QR library Odoo depends
on, and the letter carries it as a data URI.
"""

import base64
import io

import qrcode
from PIL import Image

# each module of the code as a square of this many pixels: sharp when the
# 30 mm square of the letter is printed
MODULE_PIXELS = 8
# the light margin around the code that readers need (modules, as the
# QR code specification asks)
QUIET_MODULES = 4


def qr_data_uri(value):
    """A PNG QR code of ``value`` with its quiet zone, as a ``data:`` URI."""
    code = qrcode.QRCode(
        border=QUIET_MODULES, error_correction=qrcode.constants.ERROR_CORRECT_L
    )
    code.add_data(value)
    code.make(fit=True)
    matrix = code.get_matrix()
    size = len(matrix)
    image = Image.new("1", (size, size), 1)
    image.putdata([0 if dark else 1 for row in matrix for dark in row])
    image = image.resize((size * MODULE_PIXELS, size * MODULE_PIXELS), Image.NEAREST)
    png = io.BytesIO()
    image.save(png, format="PNG")
    return "data:image/png;base64," + base64.b64encode(png.getvalue()).decode()
