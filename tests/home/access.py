from tests.access import ANY_USER, Route

ROUTES = [
    Route("home.index", "/", expect=ANY_USER),
]
