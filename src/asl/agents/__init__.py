"""Agents: the targets of Task states."""
