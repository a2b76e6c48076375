from . import controllers
from . import models
from . import report
from . import wizard
from . import export
from .hooks import pre_init_hook
