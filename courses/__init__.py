"""Training modules: one folder per module (module.yaml + Markdown sections) and their loader."""
