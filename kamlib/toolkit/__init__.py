"""kamlib.toolkit — see the package docstring of kamlib for the layout."""
