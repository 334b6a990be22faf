"""kamlib.data — see the package docstring of kamlib for the layout."""
