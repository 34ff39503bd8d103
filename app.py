"""Entry point for `flask --app app` and WSGI servers."""
from wuye import create_app

app = create_app()
