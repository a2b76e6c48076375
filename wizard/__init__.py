from . import debt_recovery_dispute_wizard
from . import debt_recovery_log_wizard
from . import debt_recovery_plan_cancel
from . import debt_recovery_plan_wizard
from . import debt_recovery_customers_wizard
from . import debt_recovery_pause_wizard
from . import debt_recovery_assign_wizard
