"""Blueprints per audience. Views are thin: parse the request, call a service, render."""
