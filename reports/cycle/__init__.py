"""The reporting cycle: deadlines met or missed, submission and approval, reminders and their mail,
data-quality flags."""
