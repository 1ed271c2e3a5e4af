"""The supervisor: one sideband WebSocket per live call, held under a lease in the database.

`leases` is its synchronous database side (claim, renew, record); `sideband` follows one call;
`process` runs them all on one event loop (`manage.py runsupervisor`).
"""
