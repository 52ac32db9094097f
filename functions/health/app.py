from shared.runtime.startup import collector_paused

# The function's whole start-up, with the garbage collector paused: see shared.runtime.startup.
with collector_paused():
    from functions.health import api_document
    from functions.health.router import router
    from shared.http.app import create_app
    from shared.runtime.handler import create_handler

    app = create_app(
        "health",
        router,
        api_document.router,
        title="Bookstore health",
        description="Liveness and readiness of the deployment. `/health` never touches the database. "
        "It also serves the whole API's OpenAPI document at `/openapi.json`, and its docs at `/docs`.",
    )
    handler = create_handler(app)
