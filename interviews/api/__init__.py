"""The interviews app's JSON API (DRF views), one module per area."""
