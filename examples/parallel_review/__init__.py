"""Parallel code review: three reviewers at once, combined with intrinsic functions."""
