"""Support-ticket triage: a Choice routes by category, a Catch escalates."""
