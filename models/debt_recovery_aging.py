"""The aging of open receivables: one set of buckets and labels for the
Analysis, the customer statement and the Excel export.

An item with a negative residual (a credit note or a payment not matched with
an invoice yet) is an unallocated credit whatever its date: it reduces what
the customer owes and is not aged. Any other item is aged by its days overdue:
not due until the day after its due date (or without a due date), then 1-30,
31-60, 61-90 and over 90 days.
"""

from odoo.tools import SQL
from odoo.tools.translate import LazyTranslate

_lt = LazyTranslate(__name__)

NOT_DUE = "0_not_due"
CREDIT = "5_credit"
# The buckets in order, with their labels. The keys sort in the order of the
# buckets, so grouped views need no ordering of their own.
BUCKETS = list(
    {
        NOT_DUE: _lt("Not Due"),
        "1_1_30": _lt("1-30 Days"),
        "2_31_60": _lt("31-60 Days"),
        "3_61_90": _lt("61-90 Days"),
        "4_90_plus": _lt("Over 90 Days"),
        CREDIT: _lt("Unallocated Credits"),
    }.items()
)
# The overdue buckets: (key, last day overdue; None for the open end).
OVERDUE_BUCKETS = [
    ("1_1_30", 30),
    ("2_31_60", 60),
    ("3_61_90", 90),
    ("4_90_plus", None),
]


def selection(env):
    """``[(bucket, label)]`` in order, the labels in the language of ``env``."""
    return [(key, env._(label)) for key, label in BUCKETS]


def bucket(days, amount):
    """The bucket of an item ``days`` overdue (0, negative or None: not due)
    with ``amount`` still open."""
    if amount < 0:
        return CREDIT
    if not days or days <= 0:
        return NOT_DUE
    *bounded, (last_key, _none) = OVERDUE_BUCKETS
    return next((key for key, last in bounded if days <= last), last_key)


def bucket_sql(days, amount):
    """The SQL expression of ``bucket``: ``days`` and ``amount`` are SQL
    expressions (``days`` NULL: not due)."""
    *bounded, (last_key, _none) = OVERDUE_BUCKETS
    return SQL(
        "CASE WHEN %(amount)s < 0 THEN %(credit)s"
        " WHEN %(days)s IS NULL OR %(days)s <= 0 THEN %(not_due)s %(bounded)s"
        " ELSE %(last)s END",
        amount=amount,
        days=days,
        credit=CREDIT,
        not_due=NOT_DUE,
        bounded=SQL(" ").join(
            SQL("WHEN %s <= %s THEN %s", days, limit, key) for key, limit in bounded
        ),
        last=last_key,
    )
