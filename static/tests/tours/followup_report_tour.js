import { registry } from "@web/core/registry";

// A collector opens a customer's follow-up report from the worklist, emails
// the customer statement, then sends the next step through the composer.
registry.category("web_tour.tours").add("account_debt_recovery_followup_report_tour", {
    url: "/odoo/debt-recovery",
    steps: () => [
        {
            content: "Open the customer's follow-up from the worklist",
            trigger: ".o_list_view .o_data_row td[name=partner_id]:contains('Bad Payer')",
            run: "click",
        },
        {
            content: "The report says what the customer receives next",
            trigger:
                ".o_form_view .o_debt_recovery_followup_report " +
                "div[name=next_step]:contains('Firm reminder')",
        },
        {
            content: "Email the customer statement",
            trigger: ".o_form_view div[name=report_buttons] button[name=action_email_statement]",
            run: "click",
        },
        {
            content: "The composer proposes the statement",
            trigger: ".modal .o_field_widget[name=subject] input:value(/statement of your account/)",
        },
        {
            content: "Send it",
            trigger: ".modal button[name=action_send_mail]",
            run: "click",
        },
        {
            content: "Look at the history",
            trigger: "body:not(:has(.modal)) .o_form_view .o_notebook a[name=history]",
            run: "click",
        },
        {
            content: "The statement is in the customer's history",
            trigger:
                "body:not(:has(.modal)) .o_form_view div[name=interaction_ids] " +
                ".o_data_row:contains('statement of your account')",
        },
        {
            content: "Back to the report",
            trigger: ".o_form_view .o_notebook a[name=report]",
            run: "click",
        },
        {
            content: "Send the next step now",
            trigger: ".o_form_view div[name=report_buttons] button[name=action_send_next_step]",
            run: "click",
        },
        {
            content: "The composer proposes the firm reminder",
            trigger: ".modal .o_field_widget[name=subject] input:value(/second reminder/)",
        },
        {
            content: "Send it",
            trigger: ".modal button[name=action_send_mail]",
            run: "click",
        },
        {
            content: "Look at the history again",
            trigger: "body:not(:has(.modal)) .o_form_view .o_notebook a[name=history]",
            run: "click",
        },
        {
            content: "The level is reached and logged",
            trigger:
                "body:not(:has(.modal)) .o_form_view div[name=interaction_ids] " +
                ".o_data_row:contains('second reminder')",
        },
    ],
});
