"""kamlib.course — see the package docstring of kamlib for the layout."""
