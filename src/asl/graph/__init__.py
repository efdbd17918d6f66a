"""Drawing workflows: Mermaid and Graphviz DOT text, SVG and PNG through Graphviz's ``dot``."""
