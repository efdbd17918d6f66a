"""Runnable example workflows; each folder is a package so ``--agents`` can import it."""
