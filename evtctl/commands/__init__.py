"""One module per command; each adds itself to the app with ``register(app)``."""
