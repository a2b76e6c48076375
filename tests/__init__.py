from . import test_overdue_figures
from . import test_ladder_rules
from . import test_daily_run
from . import test_policy_config
