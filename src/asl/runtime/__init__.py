"""The interpreter: engine, execution loop, one module per state type."""
