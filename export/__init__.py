from . import debt_recovery_xlsx_export
