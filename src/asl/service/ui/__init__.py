"""The web console of ``asl serve``: static pages at ``/ui`` and the graph they draw."""
