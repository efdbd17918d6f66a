"""One module per state type; each knows its own fields."""
