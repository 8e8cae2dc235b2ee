"""WSGI entry point: `gunicorn wsgi:app`, or `flask --app wsgi ...` for the commands."""

from lms_plugin import create_app

app = create_app()
