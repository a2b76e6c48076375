"""`make pot`: regenerate i18n/account_debt_recovery.pot and merge the
translations (i18n/*.po) with it.

The addon is exported from the lint copy (.local/lint/account_debt_recovery:
no .local/ inside, whose symlink back to the repository would make the
exporter walk in circles), installed on a fresh copy of the template
database. Each .po keeps the translations of the terms that are still there
(matched on the text) and drops the others; new terms are added untranslated.
"""

import shutil
import time

import polib

from .cluster import Cluster
from .common import ADDON, LOCAL, ROOT, argv, odoo_cmd, run_or_fail, say
from .lint import lint_copy
from .odoo_db import ensure_template, install_addon, write_odoo_config
from .system import check_odoo, odoo_env, setup_system

I18N_DB = "adr_i18n"


def cmd_pot():
    started = time.time()
    odoo = check_odoo()
    wkhtmltopdf_dir = setup_system()
    pg = Cluster().start()
    copy = lint_copy()
    conf = write_odoo_config("test", odoo, pg, wkhtmltopdf_dir)
    i18n_conf = LOCAL / "odoo-i18n.conf"
    text = conf.read_text().replace(str(LOCAL / "addons"), str(copy.parent))
    i18n_conf.write_text(text)
    env = odoo_env(wkhtmltopdf_dir)
    template = ensure_template(odoo, pg, i18n_conf, env)
    pg.drop(I18N_DB, force=True)
    pg.copy(template, I18N_DB)
    install_addon(i18n_conf, I18N_DB, env, "i18n-install.log", ["-i", ADDON])
    pot_path = LOCAL / f"{ADDON}.pot"
    export = odoo_cmd("i18n export -c", i18n_conf, "-d", I18N_DB, "-o", pot_path)
    run_or_fail(export + argv(ADDON), "i18n-export.log", "exporting the terms", env=env)
    pg.drop(I18N_DB, force=True)
    target = ROOT / "i18n" / f"{ADDON}.pot"
    shutil.copyfile(pot_path, target)
    pot = polib.pofile(str(target))
    for po_path in sorted((ROOT / "i18n").glob("*.po")):
        kept, dropped = merge(polib.pofile(str(po_path)), pot, po_path)
        say(f"{po_path.name}: {kept} translations kept, {dropped} obsolete dropped")
    say(f"{target.relative_to(ROOT)}: {len(pot)} terms ({time.time() - started:.0f} s)")


def merge(po, pot, path):
    """Rewrite ``po`` on the terms of ``pot``, keeping its translations; a
    term without one is left out (Odoo falls back to the source text either
    way), so the file holds only what a translator wrote."""
    translated = {(entry.msgctxt, entry.msgid): entry for entry in po if entry.msgstr}
    merged = polib.POFile(wrapwidth=0)
    merged.metadata = po.metadata
    merged.header = po.header
    kept = 0
    for term in pot:
        entry = polib.POEntry(
            msgid=term.msgid,
            msgctxt=term.msgctxt,
            occurrences=term.occurrences,
            comment=term.comment,
            tcomment=term.tcomment,
            flags=list(term.flags),
        )
        known = translated.pop((term.msgctxt, term.msgid), None)
        if known:
            entry.msgstr = known.msgstr
            kept += 1
            merged.append(entry)
    merged.save(str(path))
    return kept, len(translated)
