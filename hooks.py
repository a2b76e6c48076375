def pre_init_hook(env):
    """Create the invoices' debt recovery columns empty: no invoice has
    reached a level, been disputed or put in a plan yet, so the ORM need not
    compute them for every existing move."""
    env.cr.execute(
        """
        ALTER TABLE account_move
            ADD COLUMN IF NOT EXISTS debt_level_id int4,
            ADD COLUMN IF NOT EXISTS debt_level_date date,
            ADD COLUMN IF NOT EXISTS debt_disputed bool,
            ADD COLUMN IF NOT EXISTS debt_plan_id int4
        """
    )
