from tests.access import VISITORS, Route

ROUTES = [
    Route("ops.healthz", "/healthz", expect={v: 200 for v in VISITORS}),
    # The test database is built by create_all, not migrated: not ready, for anyone.
    Route("ops.readyz", "/readyz", expect={v: 503 for v in VISITORS}),
    # No METRICS_TOKEN in the tests' configuration: the route does not exist.
    Route("ops.metrics", "/metrics", expect={v: 404 for v in VISITORS}),
]
