def migrate(cr, version):
    """The invoices' level reached, its date, the courtesy reminder and the
    dispute flag are read from the log since 19.0.1.1.0: their columns (and
    the index of the level) are dropped, so that no write maintains them."""
    cr.execute(
        """
        ALTER TABLE account_move
            DROP COLUMN IF EXISTS debt_level_id,
            DROP COLUMN IF EXISTS debt_level_date,
            DROP COLUMN IF EXISTS debt_courtesy_date,
            DROP COLUMN IF EXISTS debt_disputed
        """
    )
