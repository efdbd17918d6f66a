"""Document pipeline: a Map summarizes each document, then one Task indexes the batch."""
