def pre_init_hook(env):
    """Create the invoices' level columns empty: no invoice has reached a
    level yet, so the ORM need not compute them for every existing move."""
    env.cr.execute(
        """
        ALTER TABLE account_move
            ADD COLUMN IF NOT EXISTS debt_level_id int4,
            ADD COLUMN IF NOT EXISTS debt_level_date date
        """
    )
