"""kamlib.analytics — see the package docstring of kamlib for the layout."""
