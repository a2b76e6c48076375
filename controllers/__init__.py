from . import customer_page
from . import customer_page_payment
