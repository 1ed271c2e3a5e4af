"""The interviews app's pages (Django views), one module per area."""
