from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged

from .common import DebtRecoveryCommon
from .letter_common import plain

POLICY_FORM = "account_debt_recovery.debt_recovery_policy_view_form"


@tagged("post_install", "-at_install")
class TestPolicyForm(DebtRecoveryCommon):
    """Configuring a ladder from its forms, as a manager does."""

    def test_levels_are_added_before_the_policy_is_saved(self):
        with Form(self.env["debt.recovery.policy"], view=POLICY_FORM) as form:
            form.name = "Schools - gentle"
            with form.level_ids.new() as level:
                level.name = "Kind note"
                level.days_overdue = 20
            with form.level_ids.new() as level:
                level.name = "Second note"
                level.days_overdue = 40
        policy = form.record
        self.assertEqual(policy.level_ids.mapped("name"), ["Kind note", "Second note"])
        self.assertEqual(policy.level_ids.company_id, self.company)

    def test_ticking_send_email_proposes_the_standard_words(self):
        with Form(self.env["debt.recovery.level"]) as form:
            form.policy_id = self.policy
            form.name = "Friendly"
            form.days_overdue = 3
            form.send_email = True
            self.assertEqual(form.email_subject, "a gentle reminder about your account")
            self.assertIn("crossed in the post", plain(form.opening))
            self.assertIn("Thank you for your business", plain(form.closing))
            self.assertFalse(form.title, "a letter title only for letters")
            form.email_subject = "a word about your account"
        level = form.record
        self.assertEqual(level.email_subject, "a word about your account")
        self.assertEqual(
            level.mail_template_id,
            self.env.ref("account_debt_recovery.mail_template_debt_recovery"),
        )

    def test_proposed_words_kept_as_they_are_speak_every_language(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(
            ["account_debt_recovery"], ["fr_FR"], overwrite=True
        )
        with Form(self.env["debt.recovery.level"]) as form:
            form.policy_id = self.policy
            form.name = "Final words"
            form.tone = "final"
            form.days_overdue = 90
            form.produce_letter = True
        french = form.record.with_context(lang="fr_FR")
        self.assertIn("Ceci est notre dernier avis", plain(french.opening))
        english = form.record.with_context(lang="en_US")
        self.assertIn("This is our final notice", plain(english.opening))
        self.assertEqual(english.title, "Final notice before collection")
        self.assertEqual(french.title, "Dernier avis avant recouvrement")

    def test_a_letter_level_cannot_be_saved_without_its_text(self):
        with self.assertRaisesRegex(
            ValidationError, "prints a letter with words of its own but no opening"
        ):
            self.levels[2].write({"title": "Our last letter", "opening": False})
        with self.assertRaisesRegex(ValidationError, "no opening"):
            self.env["debt.recovery.level"].create(
                {
                    "policy_id": self.policy.id,
                    "name": "Letter",
                    "days_overdue": 100,
                    "produce_letter": True,
                    "closing": "<p>Yours sincerely,</p>",
                    "opening": "<p><br></p>",
                }
            )
        # without words of its own, a letter speaks with its tone's
        self.levels[2].write({"title": False, "opening": False, "closing": False})
        self.assertIn("formal statement", self.levels[2]._texts("en_US")["opening"])

    def test_changing_the_policy_says_what_happens_to_the_level_reached(self):
        gentle = self.policy.copy({"name": "Schools - gentle", "is_default": False})
        gentle.level_ids.sorted()[1].name = "Second gentle note"
        followup = self.set_state(level_id=self.levels[1].id)
        action = followup.action_change_policy()
        Wizard = self.env[action["res_model"]].with_context(**action["context"])
        with Form(Wizard) as form:
            form.policy_id = gentle
            self.assertIn(
                "Bad Payer keeps its place: Firm reminder becomes Second gentle note "
                "on Schools - gentle; the next step is Formal letter.",
                plain(form.consequence),
            )
        form.record.action_apply()
        self.assertEqual(followup.policy_id, gentle)
        self.assertEqual(followup.level_id, gentle.level_ids.sorted()[1])
        self.assertTrue(self.interactions(event="policy_changed"))
