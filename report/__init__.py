from . import debt_recovery_letter
from . import debt_recovery_statement
from . import ir_actions_report
from . import ir_actions_report_parts
