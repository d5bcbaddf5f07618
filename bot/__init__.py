"""The Teams bot: the only package that imports the Bot Framework SDK."""
