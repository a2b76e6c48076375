"""The vocabulary of the interaction log."""

CHANNELS = [
    ("email", "Email"),
    ("phone", "Phone"),
    ("letter", "Letter"),
    ("meeting", "Meeting"),
    ("sms", "SMS"),
    ("portal", "Portal"),
    ("note", "Note"),
]
DIRECTIONS = [
    ("outbound", "Outbound"),
    ("inbound", "Inbound"),
    ("internal", "Internal"),
]
OUTCOMES = [
    ("no_answer", "No Answer"),
    ("left_message", "Left Message"),
    ("promise", "Promise to Pay"),
    ("dispute", "Dispute Raised"),
    ("plan", "Payment Plan Agreed"),
    ("paid", "Paid"),
    ("wrong_contact", "Wrong Contact"),
    ("other", "Other"),
]
EVENTS = [
    ("level", "Level Reached"),
    ("review", "Level Awaiting Review"),
    ("failure", "Action Failed"),
    ("escalation_proposed", "Escalation Proposed"),
    ("escalation_approved", "Escalation Approved"),
    ("escalation_rejected", "Escalation Rejected"),
    ("courtesy", "Courtesy Reminder"),
    ("settled", "Settled"),
    ("thanks", "Thanked"),
    ("promise_kept", "Promise Kept"),
    ("promise_broken", "Promise Broken"),
    ("dispute_opened", "Dispute Opened"),
    ("dispute_resolved", "Dispute Resolved"),
    ("paused", "Paused"),
    ("plan_activated", "Payment Plan Activated"),
    ("plan_reminder", "Instalment Reminder"),
    ("plan_broken", "Payment Plan Broken"),
    ("plan_broken_notice", "Broken Plan Notice"),
    ("plan_completed", "Payment Plan Completed"),
    ("plan_cancelled", "Payment Plan Cancelled"),
    ("letter_withdrawn", "Letter Withdrawn"),
    ("reply", "Customer Replied"),
    ("reply_read", "Reply Read"),
    ("reply_released", "Reply Unread: Ladder Resumed"),
    ("resumed", "Pause Ended"),
    ("assigned", "Collector Assigned"),
    ("policy_changed", "Policy Changed"),
    ("excluded", "Excluded"),
    ("included", "Back on the Ladder"),
    ("portal_revoked", "Customer's Link Revoked"),
    ("proposal_hold_ended", "Plan Proposal No Longer Holds"),
    ("statement_sent", "Statement Sent"),
    ("statement_printed", "Statement Printed"),
    ("manual", "Manual Contact"),
]
# Channels of a contact with the customer (an internal note is none).
CONTACT_CHANNELS = ("email", "phone", "letter", "meeting", "sms", "portal")
